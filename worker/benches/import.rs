//! One import read by the offline parser (no model): a two-page PDF this project renders
//! (text extraction, sections, roles, the never-invent check) and a LinkedIn export (a ZIP
//! of CSVs). `cargo bench -p worker --bench import`; `make bench` reports the medians: the
//! worker's CPU per import, on one thread.

use std::io::Write;

use criterion::{Criterion, criterion_group, criterion_main};
use resume_proto::{job::ImportFormat, v1};
use worker::{
    import,
    model::{Printable, offline},
    render::{Paper, pdf},
};

/// A career long enough for two pages.
fn two_pages() -> Vec<u8> {
    let roles = (0..14)
        .map(|n| v1::Experience {
            company: format!("Company Number {n} Ltd"),
            title: "Senior Backend Engineer".into(),
            location: Some("London".into()),
            start: format!("{}-03", 2020 - n * 2),
            end: (n > 0).then(|| format!("{}-02", 2022 - n * 2)),
            highlights: vec![
                "Rewrote the payments ledger in Rust with gRPC, cutting p99 latency from 180 ms to 50 ms".into(),
                "Designed the PostgreSQL partitioning scheme that holds 4 billion rows".into(),
                "Mentored five engineers; two were promoted".into(),
            ],
        })
        .collect();
    let candidate = v1::Candidate {
        full_name: "Ada Lovelace".into(),
        email: Some("ada@example.com".into()),
        phone: Some("+44 20 7946 0958".into()),
        location: Some("London, UK".into()),
        summary: Some("Backend engineer with eighteen years of experience building reliable data services.".into()),
        skills: ["Rust", "PostgreSQL", "Kafka", "Kubernetes"].map(String::from).to_vec(),
        experience: roles,
        ..Default::default()
    };
    let resume = offline::present(&candidate, &offline::content(&candidate, None));
    pdf::render(&Printable::Resume(resume), Paper::A4).expect("pdf")
}

fn linkedin() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut positions = String::from("Company Name,Title,Description,Location,Started On,Finished On\n");
    for n in 0..12 {
        positions.push_str(&format!(
            "Company {n},Engineer,\"Built things\nShipped things\",London,Mar {},Feb {}\n",
            2000 + n,
            2001 + n
        ));
    }
    let files = [
        ("Profile.csv", "First Name,Last Name,Headline,Summary,Geo Location\nGrace,Hopper,Programmer,Invented the compiler.,Arlington\n".to_owned()),
        ("Positions.csv", positions),
        ("Education.csv", "School Name,Start Date,End Date,Notes,Degree Name\nYale University,1930,1934,Mathematics,PhD\n".to_owned()),
        ("Skills.csv", "Name\nCOBOL\nCompilers\n".to_owned()),
    ];
    for (name, text) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).expect("zip");
        zip.write_all(text.as_bytes()).expect("zip");
    }
    zip.finish().expect("zip").into_inner()
}

fn read(c: &mut Criterion) {
    let pdf = two_pages();
    assert!(test_support::documents::pdf_pages(&pdf).expect("pages") >= 2, "the PDF has two pages");
    let zip = linkedin();
    c.bench_function("import-pdf", |b| {
        b.iter(|| import::read_offline("cv.pdf", ImportFormat::Pdf, &pdf).expect("read"));
    });
    c.bench_function("import-linkedin", |b| {
        b.iter(|| import::read_offline("export.zip", ImportFormat::Linkedin, &zip).expect("read"));
    });
}

criterion_group!(benches, read);
criterion_main!(benches);
