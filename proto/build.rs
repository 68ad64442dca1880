//! Compiles `resume/v1/*.proto` with protox (no system `protoc`) and writes the encoded
//! descriptor set next to the generated code for gRPC reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from("resume/v1");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "proto"));
    files.sort();
    let fds = protox::compile(&files, ["."])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("resume_descriptor.bin"), fds.encode_to_vec())?;
    let mut config = tonic_prost_build::configure();
    // The candidate's profile parts are stored as JSON by the server, and read from an
    // import's model reply, where a field left out is its default (empty), not a failure.
    for message in ["Link", "Experience", "Education", "Certification"] {
        config = config.type_attribute(
            format!("resume.v1.{message}"),
            "#[derive(serde::Serialize, serde::Deserialize)] #[serde(default)]",
        );
    }
    config.compile_fds(fds)?;
    Ok(())
}
