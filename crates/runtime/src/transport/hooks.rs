//! The macros joining the transport to a generated client: progenitor's
//! hooks (`client_hooks!`), the facade's methods of a client
//! (`client_methods!`) and the generated crates' parts (`generated_model!`,
//! `generated_part!`).

/// The facade's methods of an API's `Client` (which implements
/// progenitor's `ClientInfo` over [`ClientContext`](crate::transport::ClientContext)
/// and has `new_with_client`): `with_options`, `stats` and `raw`;
/// `$error_body` is the API's error body type, which a raw call's error
/// status decodes as.
#[doc(hidden)]
#[macro_export]
macro_rules! client_methods {
    ($client:ty, $error_body:ty) => {
        impl $client {
            /// The same client with `options` for its calls: extra headers, a
            /// timeout, whether a call is safe to retry. Cheap: connections,
            /// credentials and the token cache are shared.
            pub fn with_options(&self, options: $crate::CallOptions) -> Self {
                let context = progenitor_client::ClientInfo::inner(self).clone().with_options(options);
                <$client>::new_with_client(
                    progenitor_client::ClientInfo::baseurl(self),
                    progenitor_client::ClientInfo::client(self).clone(),
                    context,
                )
            }
        }

        impl $client {
            /// What the calls of this client and of all its copies (clones,
            /// `with_options`) have done so far: requests, retries, 429s,
            /// time spent waiting for the client's pace, retries refused by
            /// the retry budget.
            pub fn stats(&self) -> $crate::ClientStats {
                progenitor_client::ClientInfo::inner(self).stats()
            }
        }

        impl $client {
            /// A call to an endpoint no document lists, through this
            /// client's transport: its credentials, headers, pacing,
            /// retries, limits and errors, as for the generated calls.
            /// `path` is a template under the client's base URL
            /// (`/invoices/{id}`), filled with
            /// [`path_param`](crate::transport::RawRequest::path_param);
            /// a full URL is refused. See [`RawRequest`](crate::transport::RawRequest).
            ///
            /// `progenitor_client::ClientInfo::client` gives the bare HTTP
            /// client under it, which sends no credentials and has none of
            /// these safeguards: call endpoints with this instead.
            pub fn raw(&self, method: reqwest::Method, path: &str) -> $crate::transport::RawRequest<'_, $error_body> {
                $crate::transport::RawRequest::new(
                    progenitor_client::ClientInfo::inner(self),
                    progenitor_client::ClientInfo::baseurl(self),
                    method,
                    path,
                )
            }
        }
    };
}

/// Implements progenitor's request hooks for a generated `Client` whose inner
/// type is [`ClientContext`](crate::transport::ClientContext).
#[doc(hidden)]
#[macro_export]
macro_rules! client_hooks {
    ($client:ty) => {
        impl progenitor_client::ClientHooks<$crate::transport::ClientContext> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                // The one variant that can carry a typed failure (error/channel.rs).
                progenitor_client::ClientInfo::inner(self)
                    .prepare(request, info.operation_id, progenitor_client::ClientInfo::baseurl(self))
                    .await
                    .map_err(|failure| progenitor_client::Error::UnexpectedResponse(failure.into_response()))
            }

            async fn exec(&self, request: reqwest::Request, info: &progenitor_client::OperationInfo) -> reqwest::Result<reqwest::Response> {
                // Every request goes through the context's own HTTP client
                // (redirects never followed), also for a client made with
                // progenitor's `Client::new`.
                progenitor_client::ClientInfo::inner(self).execute(request, info.operation_id).await
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                match progenitor_client::ClientInfo::inner(self).failure(result) {
                    Some(response) => Err(progenitor_client::Error::UnexpectedResponse(response)),
                    None => Ok(()),
                }
            }
        }
    };
}

/// The facade's modules at the root of a crate of generated code, where
/// that code and the API crate's own code name them (`crate::transport`,
/// `crate::Page`, …; which of them are used depends on the enabled tags),
/// and the facade's `Error`, which every builder's `send` returns
/// (codegen's send.rs).
#[doc(hidden)]
#[macro_export]
macro_rules! facade_imports {
    () => {
        pub use $crate::Error;
        #[allow(unused_imports)]
        use $crate::{auth, error, open_enum, paging, redact, settings, transport, vendor, Page, RateLimit};
    };
}

/// The model crate of an API (`accounting-sync-<api>-model`), at its root:
/// the types its build script generated (`$api_model.rs`: our document's
/// and those several parts share), the open enums (`enums`), the `types`
/// module joining both, the tables of the enabled operations, and the
/// macros that include the generated parts into the part crates and the API
/// crate (`part!`, `compose!`, `generated_file!`).
#[doc(hidden)]
#[macro_export]
macro_rules! generated_model {
    ($api:literal) => {
        $crate::facade_imports!();
        // dead_code: the client (with no operation) progenitor generates with the types.
        #[allow(missing_docs, clippy::all, unused_imports, irrefutable_let_patterns, dead_code)]
        mod generated {
            include!(concat!(env!("OUT_DIR"), "/", $api, "_model.rs"));
        }

        /// The open enums of the document (see [`types`]): generated by the build script.
        #[allow(missing_docs, clippy::all)]
        pub mod enums {
            include!(concat!(env!("OUT_DIR"), "/", $api, "_enums.rs"));
        }

        /// The types of our document and those the enabled parts share,
        /// the open enums among them.
        pub mod types {
            pub use super::enums::*;
            pub use super::generated::types::*;
        }

        // progenitor asks for the hooks of every client, this one's too.
        $crate::transport::client_hooks!(generated::Client);

        include!(concat!(env!("OUT_DIR"), "/", $api, "_operations.rs"));
        include!(concat!(env!("OUT_DIR"), "/", $api, "_macros.rs"));
    };
}

/// One generated part of an API's client (its operations' builders, its
/// own types, a progenitor `Client`) from the file at `$path`, with the
/// hooks; used by the model crate's `part!` and `compose!` macros, in the
/// module the part lives in.
#[doc(hidden)]
#[macro_export]
macro_rules! generated_part {
    ($path:literal) => {
        // irrefutable_let_patterns: typify's `FromStr` of some untagged
        // enums of the whole documents (a string variant's parse cannot fail);
        // dead_code: a part's own conversion error, when the API's `types`
        // names the model's.
        #[allow(missing_docs, clippy::all, unused_imports, irrefutable_let_patterns, dead_code)]
        mod generated {
            include!($path);
        }
        pub use generated::{builder, types, Client};
        $crate::transport::client_hooks!(Client);
    };
}

/// An API crate's generated parts, at its root: the facade's modules, the
/// client the model crate `$model` composes over the enabled parts (its
/// `compose!`: our document's operations, `Client`, `types`, `builder`,
/// `enums`, `TABLES`), and the facade's methods of `Client`;
/// `$error_body` is the API's error body type in `types`, which a raw
/// call's error status decodes as.
#[doc(hidden)]
#[macro_export]
macro_rules! generated_api {
    ($model:ident, $error_body:ident) => {
        $crate::facade_imports!();
        $model::compose!();
        $crate::transport::client_methods!(Client, types::$error_body);
    };
}
