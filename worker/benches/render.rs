//! One resume rendered warm (fonts and template loaded): DOCX and PDF.
//! `cargo bench -p worker --bench render`; `make bench` reports the medians.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use resume_proto::v1;
use worker::{
    model::{Printable, offline},
    render::{Paper, docx, pdf},
};

fn candidate() -> v1::Candidate {
    let role = |company: &str, start: &str| v1::Experience {
        company: company.into(),
        title: "Senior Backend Engineer".into(),
        location: Some("London".into()),
        start: start.into(),
        end: None,
        highlights: vec![
            "Rewrote the payments ledger in Rust with gRPC, cutting p99 latency from 180 ms to 50 ms".into(),
            "Designed the PostgreSQL partitioning scheme that holds 4 billion rows".into(),
            "Mentored five engineers; two were promoted".into(),
        ],
    };
    v1::Candidate {
        full_name: "Ada Lovelace".into(),
        email: Some("ada@example.com".into()),
        phone: Some("+44 20 7946 0958".into()),
        location: Some("London, UK".into()),
        headline: Some("Backend engineer — Rust, PostgreSQL, distributed systems".into()),
        summary: Some("Backend engineer with eight years of experience building reliable data services.".into()),
        links: vec![v1::Link { label: "GitHub".into(), url: "https://github.com/ada".into() }],
        skills: ["Rust", "PostgreSQL", "Kafka", "Kubernetes", "gRPC", "Terraform"].map(String::from).to_vec(),
        experience: vec![role("Analytical Engines Ltd", "2021-03"), role("Difference Works", "2018-01")],
        education: vec![v1::Education {
            institution: "University of London".into(),
            degree: Some("BSc".into()),
            field: Some("Mathematics".into()),
            start: Some("2012".into()),
            end: Some("2015".into()),
        }],
        certifications: vec![v1::Certification { name: "CKA".into(), issuer: Some("CNCF".into()), year: Some(2022) }],
        ..Default::default()
    }
}

/// Every iteration renders a resume not seen before: typst memoizes layout, so the
/// name, summary and every bullet change each time.
fn render(c: &mut Criterion) {
    let candidate = candidate();
    let resume = offline::present(&candidate, &offline::content(&candidate, None));
    pdf::warm_up();
    let mut n = 0u64;
    let mut next = move || {
        n += 1;
        let mut fresh = resume.clone();
        fresh.full_name = format!("Ada Lovelace {n}");
        fresh.summary = Some(format!("Backend engineer, resume number {n}."));
        for role in &mut fresh.experience {
            for highlight in &mut role.highlights {
                highlight.push_str(&format!(" ({n})"));
            }
        }
        fresh
    };
    c.bench_function("render-docx", |b| {
        b.iter_batched(&mut next, |r| docx::render(&r, Paper::A4).expect("docx"), BatchSize::SmallInput)
    });
    c.bench_function("render-pdf", |b| {
        b.iter_batched(
            &mut next,
            |r| pdf::render(&Printable::Resume(r), Paper::A4).expect("pdf"),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
