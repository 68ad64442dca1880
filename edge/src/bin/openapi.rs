//! `openapi`: prints the edge's OpenAPI document (what `/api/openapi.json` serves), pretty,
//! so the web app's typed client is generated from it without a running edge.

fn main() -> anyhow::Result<()> {
    let document: serde_json::Value = serde_json::from_str(edge::openapi::document())?;
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}
