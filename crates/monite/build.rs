//! Generates this API's client (see `accounting_sync_codegen::build`).

fn main() {
    accounting_sync_codegen::build::run("monite", std::path::Path::new("../../specs"));
}
