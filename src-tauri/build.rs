//! Build script: generates the Tauri context from tauri.conf.json and the capabilities.
fn main() {
    let attributes = tauri_build::Attributes::new().capabilities_path_pattern("capabilities/**/*.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build script failed: {error:#}");
    }
}
