//! Generates this API's client: the model here, the parts and the API
//! crate's composition for their crates (see `accounting_sync_codegen::build`).

fn main() {
    accounting_sync_codegen::build::run("rebilly", std::path::Path::new("../../../specs"));
}
