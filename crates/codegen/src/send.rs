//! The facade's `send`: every request builder's `send` returns
//! `accounting_sync::Error`, so that a caller matching on an error's kind,
//! status or vendor body writes `.send().await` and nothing more.
//!
//! progenitor's `send` returns its own `Error<E>` (E the operation's error
//! body). It stays as it is, private and renamed [`UNMAPPED_SEND`]; the new
//! public `send` calls it and converts the error once, through the crate's
//! `Error::from_call(error, context)`, where the status, request id, retry
//! advice and the typed body are read. The context is the builder's
//! client's (`ClientInfo::inner`): its secrets are the ones masked in the
//! error, so no conversion needs a list of every client's secrets.

use crate::builders::{self, send_types, UNMAPPED_SEND};
use quote::{format_ident, quote};

/// Gives every request builder of `file` the facade's `send`. Returns how
/// many builders got it.
pub(crate) fn add(file: &mut syn::File) -> Result<usize, String> {
    let module = builders::module_mut(file).ok_or("the generated client has no builder module")?;
    let items = &mut module.content.as_mut().ok_or("the builder module is empty")?.1;
    let mut count = 0;
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(index) = block.items.iter().position(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "send")) else {
            continue;
        };
        let syn::ImplItem::Fn(original) = &mut block.items[index] else { continue };
        let (Some(response), Some(_)) = send_types(&original.sig.output) else {
            return Err(format!("a builder's send does not return Result<ResponseValue<R>, Error<E>>: {}", quote!(#original)));
        };
        let docs: Vec<syn::Attribute> = original.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        original.sig.ident = format_ident!("{UNMAPPED_SEND}");
        original.vis = syn::Visibility::Inherited;
        original.attrs.retain(|a| !a.path().is_ident("doc"));
        let unmapped = format_ident!("{UNMAPPED_SEND}");
        let wrapper: syn::ImplItemFn = syn::parse_quote! {
            #(#docs)*
            ///
            /// With the client's credentials, retries and timeouts; every
            /// failure is the crate's [`Error`](crate::Error) (status,
            /// request id, retry advice, the vendor's error body).
            pub async fn send(self) -> ::std::result::Result<ResponseValue<#response>, crate::Error> {
                let client = self.client;
                self.#unmapped()
                    .await
                    .map_err(|e| crate::Error::from_call(e, progenitor_client::ClientInfo::inner(client)))
            }
        };
        block.items.insert(index + 1, syn::ImplItem::Fn(wrapper));
        count += 1;
    }
    Ok(count)
}
