//! What the tests and the load generator share: sample request bodies and signed tokens.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

/// An HS256 token over `claims`.
pub fn sign(secret: &str, claims: &Value) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).expect("key");
    encode(&Header::new(Algorithm::HS256), claims, &key).expect("token")
}

/// A complete candidate, as a client would post it.
pub fn sample_candidate() -> Value {
    json!({
        "full_name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 0000 0000",
        "location": "London, UK",
        "headline": "Analytical engine programmer",
        "summary": "Mathematician who wrote the first published algorithm.",
        "links": [{"label": "GitHub", "url": "https://github.com/ada"}],
        "skills": ["Mathematics", "Poetry", "Rust", "PostgreSQL"],
        "experience": [
            {"company": "Analytical Engines Ltd", "title": "Programmer", "location": "London",
             "start": "2020-01", "end": null,
             "highlights": ["Translated Menabrea's memoir", "Built a Rust service on PostgreSQL"]},
            {"company": "Difference Works", "title": "Assistant", "location": null,
             "start": "2018-03", "end": "2019-12", "highlights": ["Tabulated polynomials"]}
        ],
        "education": [{"institution": "University of London", "degree": "BSc", "field": "Mathematics",
                       "start": "2012", "end": "2015"}],
        "certifications": [{"name": "Certified Engine Operator", "issuer": "Royal Society", "year": 2021}]
    })
}

/// A target job that matches some of the sample's skills.
pub fn sample_target() -> Value {
    json!({"title": "Backend Engineer", "company": "Babbage & Co",
           "description": "You will build services in Rust on PostgreSQL."})
}

/// A candidate with `roles` roles of four highlights each, as a client would post it: about
/// 120 tokens of a model's reply per role, so an 8-role career's experience is about 1,000
/// tokens (a real one's is ~900, as issue 26 measures it).
pub fn career(roles: usize) -> Value {
    let experience: Vec<Value> = (1..=roles)
        .map(|n| {
            json!({"company": format!("Company {n}"), "title": format!("Engineer {n}"), "location": null,
            "start": format!("{}-01", 2000 + n), "end": format!("{}-12", 2000 + n),
            "highlights": [
                format!("Shipped the billing rewrite number {n} for the payments team, on time and within its budget"),
                format!("Cut the nightly batch of system {n} from five hours to forty minutes by streaming its reads"),
                format!("Moved service {n} to PostgreSQL with no downtime, leading a team of four engineers"),
                format!("Wrote the on-call runbook of system {n} and halved its pages over the next quarter"),
            ]})
        })
        .collect();
    json!({"full_name": "Grace Hopper", "email": "grace@example.com", "phone": null, "location": "Arlington, VA",
           "headline": "Compiler pioneer", "summary": "Wrote the first compiler.", "links": [],
           "skills": ["COBOL", "Rust", "PostgreSQL"], "experience": experience, "education": [],
           "certifications": []})
}
