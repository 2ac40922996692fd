//! What this crate reads of progenitor's request builders (the top-level
//! `builder` module of a generated client): each builder's `send` signature
//! and setters. The testing expectations, the paging methods and the facade's
//! `send` are all made from it, so they name the types progenitor chose.

use quote::ToTokens;
use std::collections::BTreeMap;

/// The name progenitor's own `send` gets once the facade's `send` (which
/// returns the crate's `Error`) takes its place (see `send.rs`).
pub(crate) const UNMAPPED_SEND: &str = "send_unmapped";

/// One builder of the generated client: its setters' target types and what
/// its `send` returns.
#[derive(Default)]
pub(crate) struct Builder {
    /// `value`'s target type `T` of each setter `fn x<V: TryInto<T>>(self, value: V)`.
    pub(crate) setters: BTreeMap<String, syn::Type>,
    /// `R` of `Result<ResponseValue<R>, Error<E>>`.
    pub(crate) response: Option<syn::Type>,
    /// `E` of `Result<ResponseValue<R>, Error<E>>`.
    pub(crate) error: Option<syn::Type>,
}

/// The items of the top-level modules named `name` of a generated client
/// (`types`, `builder`): of every one, for the code of several groups read
/// as one.
pub(crate) fn items_of<'a>(file: &'a syn::File, name: &'a str) -> impl Iterator<Item = &'a syn::Item> {
    file.items
        .iter()
        .filter_map(move |item| match item {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
}

/// The top-level `builder` module of a generated client, to add to.
pub(crate) fn module_mut(file: &mut syn::File) -> Option<&mut syn::ItemMod> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => Some(m),
        _ => None,
    })
}

/// The request builders of the generated client, by type name: of every
/// top-level `builder` module, for the code of several groups read as one.
pub(crate) fn read(file: &syn::File) -> BTreeMap<String, Builder> {
    let mut out: BTreeMap<String, Builder> = BTreeMap::new();
    for item in items_of(file, "builder") {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(self_ty) = &*block.self_ty else { continue };
        let Some(last) = self_ty.path.segments.last() else { continue };
        let builder = out.entry(last.ident.to_string()).or_default();
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            // progenitor's own signature, under either name: the facade's
            // `send` no longer names the error body.
            if f.sig.ident == UNMAPPED_SEND || (f.sig.ident == "send" && builder.response.is_none()) {
                (builder.response, builder.error) = send_types(&f.sig.output);
            } else if let Some(target) = try_into_target(&f.sig) {
                builder.setters.insert(f.sig.ident.to_string(), target);
            }
        }
    }
    out
}

/// `T` of a setter `fn x<V>(self, value: V) where V: TryInto<T>`.
fn try_into_target(sig: &syn::Signature) -> Option<syn::Type> {
    for predicate in &sig.generics.where_clause.as_ref()?.predicates {
        let syn::WherePredicate::Type(p) = predicate else { continue };
        for bound in &p.bounds {
            let syn::TypeParamBound::Trait(t) = bound else { continue };
            let last = t.path.segments.last()?;
            if last.ident == "TryInto" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    if let Some(syn::GenericArgument::Type(ty)) = args.args.first() {
                        return Some(ty.clone());
                    }
                }
            }
        }
    }
    None
}

/// The first type argument of `ty` (`T` of `Vec<T>`, `Option<T>`).
pub(crate) fn first_type_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The last segment's name of a path type (`Vec` of `::std::vec::Vec<T>`).
pub(crate) fn last_ident(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    p.path.segments.last().map(|s| s.ident.to_string())
}

/// `(R, E)` of `-> Result<ResponseValue<R>, Error<E>>`, each as written.
pub(crate) fn send_types(output: &syn::ReturnType) -> (Option<syn::Type>, Option<syn::Type>) {
    let syn::ReturnType::Type(_, ty) = output else { return (None, None) };
    let syn::Type::Path(result) = &**ty else { return (None, None) };
    let Some(syn::PathArguments::AngleBracketed(args)) = result.path.segments.last().map(|s| &s.arguments) else { return (None, None) };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let response = types.next().and_then(first_type_argument).cloned();
    let error = types.next().and_then(first_type_argument).cloned();
    (response, error)
}

/// Whether `ty` is progenitor's byte stream (a body that is not JSON).
pub(crate) fn is_byte_stream(ty: &syn::Type) -> bool {
    ty.to_token_stream().to_string().contains("ByteStream")
}
