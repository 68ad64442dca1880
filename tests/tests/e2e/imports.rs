//! Imports from outside: a resume the system itself made (PDF and DOCX) read back by the
//! offline parser, a JSON Resume and a LinkedIn export read exactly, bad files refused
//! with a message a recruiter can act on, a model's invented employer dropped, the draft
//! saved as a candidate (the upload then gone), and another user's import a 404 everywhere.

use std::io::Write;

use anyhow::Context;
use e2e::{
    Db, IMPORT_MAX_BYTES, Options, PATIENCE, System, eventually,
    fake_model::{Call, FakeModel, Reply},
    sample_candidate,
};
use resume_proto::v1::{self, candidate_service_client::CandidateServiceClient};
use serde_json::{Value, json};

/// Uploads `bytes` as `filename` for `user`; the status and the answer.
async fn upload(system: &System, user: &str, filename: &str, bytes: Vec<u8>) -> anyhow::Result<(u16, Value)> {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = system
        .http
        .post(system.url("/api/candidates/imports"))
        .bearer_auth(system.token(user))
        .multipart(form)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// Waits for `user`'s import `id` to end; the import.
async fn finished(system: &System, user: &str, id: &str) -> anyhow::Result<Value> {
    let path = format!("/api/candidates/imports/{id}");
    eventually(&format!("import {id} ends"), PATIENCE, || async {
        let (status, import) = system.get(user, &path).await?;
        anyhow::ensure!(status == 200, "{status} {import}");
        Ok(matches!(import["status"].as_str(), Some("SUCCESS" | "FAILURE")).then_some(import))
    })
    .await
}

/// Uploads and waits: the finished import.
async fn import(system: &System, user: &str, filename: &str, bytes: Vec<u8>) -> anyhow::Result<Value> {
    let (status, created) = upload(system, user, filename, bytes).await?;
    anyhow::ensure!(status == 202, "upload {filename}: {status} {created}");
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["source"]["filename"], filename);
    finished(system, user, created["import_id"].as_str().context("import_id")?).await
}

/// A file the system made for `user`'s sample candidate.
async fn made(system: &System, user: &str, file_type: &str) -> anyhow::Result<Vec<u8>> {
    let (status, candidate) = system.post(user, "/api/candidates", sample_candidate()).await?;
    anyhow::ensure!(status == 201, "{candidate}");
    let job = system.submit(user, &json!({"candidate_id": candidate["id"], "file_type": file_type})).await?;
    let done = system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?;
    let done = done.last().unwrap();
    anyhow::ensure!(done["status"] == "SUCCESS", "{done}");
    Ok(system.download(user, done).await?.bytes().await?.to_vec())
}

/// The facts of a candidate a round trip must keep.
fn facts(candidate: &Value) -> Value {
    let roles: Vec<Value> = candidate["experience"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["company"], r["title"], r["start"], r["end"]]))
        .collect();
    let schools: Vec<&Value> = candidate["education"].as_array().unwrap().iter().map(|e| &e["institution"]).collect();
    let certs: Vec<&Value> = candidate["certifications"].as_array().unwrap().iter().map(|c| &c["name"]).collect();
    json!([candidate["full_name"], candidate["email"], candidate["phone"], roles, schools, certs])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_own_resumes_come_back_and_a_draft_becomes_a_candidate_on_sqlite() -> anyhow::Result<()> {
    round_trip(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_own_resumes_come_back_and_a_draft_becomes_a_candidate_on_postgres() -> anyhow::Result<()> {
    round_trip(Db::Postgres).await
}

async fn round_trip(db: Db) -> anyhow::Result<()> {
    let system = System::start(db, 1).await?;
    let user = "importer";
    for (file_type, name) in [("pdf", "Ada CV.pdf"), ("word", "ada.docx")] {
        let bytes = made(&system, user, file_type).await?;
        let done = import(&system, user, name, bytes).await?;
        assert_eq!(done["status"], "SUCCESS", "{done}");
        assert_eq!(facts(&done["draft"]), facts(&sample_candidate()), "{name}: {}", done["warnings"]);
        assert!(done["draft"]["id"].is_null(), "a draft has no id");
        // The file's candidate is the user's already (made() created them): the draft says so.
        let already = done["warnings"].as_array().unwrap().iter().find(|w| w["field"] == "email");
        let message = already.and_then(|w| w["message"].as_str()).unwrap_or_default();
        assert!(message.contains("has this e-mail address already: saving makes a second candidate"), "{done}");
        assert!(message.starts_with("Ada Lovelace (candidate "), "{message}");
    }
    // Another user's candidates are not theirs to be told of.
    let (status, created) =
        system.post("stranger", "/api/candidates/imports", json!({"text": "Ada Lovelace\nada@example.com\n"})).await?;
    assert_eq!(status, 202, "{created}");
    let done = finished(&system, "stranger", created["import_id"].as_str().unwrap()).await?;
    assert!(!done["warnings"].to_string().contains("already"), "{done}");

    // Saving the (edited) draft creates the candidate and marks the import accepted; its
    // file is gone from the database.
    let (_, imports) = system.get(user, "/api/candidates/imports").await?;
    let newest = &imports["imports"][0];
    let id = newest["import_id"].as_str().unwrap();
    let mut draft = newest["draft"].clone();
    draft["headline"] = json!("Edited by the recruiter");
    draft["import_id"] = json!(id);
    let (status, saved) = system.post(user, "/api/candidates", draft.clone()).await?;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["headline"], "Edited by the recruiter");
    let (_, accepted) = system.get(user, &format!("/api/candidates/imports/{id}")).await?;
    assert_eq!(accepted["candidate_id"], saved["id"], "{accepted}");
    assert!(accepted["accepted_at"].is_string());
    let (status, again) = system.post(user, "/api/candidates", draft).await?;
    assert_eq!(status, 409, "an import is accepted once: {again}");
    let db = system.database().await?;
    use sea_orm::{ConnectionTrait, Statement};
    let source = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT source IS NULL FROM candidate_import WHERE job_id = '{id}'"),
        ))
        .await?
        .context("the import's row")?;
    assert!(source.try_get_by_index::<bool>(0)?, "the uploaded file was deleted on acceptance");

    // Deleting the candidate deletes the import accepted into it.
    let response = system
        .http
        .delete(system.url(&format!("/api/candidates/{}", saved["id"])))
        .bearer_auth(system.token(user))
        .send()
        .await?;
    assert_eq!(response.status(), 204);
    assert_eq!(system.get(user, &format!("/api/candidates/imports/{id}")).await?.0, 404);
    system.stop().await
}

/// A LinkedIn export as LinkedIn writes it: CSVs at the root, a notes preamble on one.
fn linkedin_export() -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let files = [
        (
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\nGrace,Hopper,,,,Rear admiral and programmer,Invented the compiler.,Software,,\"Arlington, Virginia\",,[PORTFOLIO:https://grace.example.com],\n",
        ),
        (
            "Positions.csv",
            "Company Name,Title,Description,Location,Started On,Finished On\nUS Navy,Rear Admiral,\"Led the COBOL standard\nRetired twice\",Washington,Mar 1967,Aug 1986\nEckert-Mauchly,Senior Mathematician,,Philadelphia,1949,\n",
        ),
        (
            "Education.csv",
            "School Name,Start Date,End Date,Notes,Degree Name,Activities\nYale University,1930,1934,Mathematics,PhD,\n",
        ),
        ("Skills.csv", "Name\nCOBOL\nCompilers\n"),
        (
            "Certifications.csv",
            "Name,Url,Authority,Started On,Finished On,License Number\nNaval Reserve Commission,,US Navy,Dec 1943,,\n",
        ),
        (
            "Email Addresses.csv",
            "Email Address,Confirmed,Primary,Updated On\nold@example.com,Yes,No,\ngrace@example.com,Yes,Yes,\n",
        ),
        ("PhoneNumbers.csv", "Extension,Number,Type\n,+1 202 555 0100,Mobile\n"),
        (
            "Connections.csv",
            "Notes:\n\"When exporting your connection data, you may notice…\"\n\nFirst Name,Last Name\n",
        ),
    ];
    for (name, text) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default())?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// An image-only PDF (a scan): one page that paints a rectangle, no text at all.
fn scanned_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>".to_owned(),
        "<< /Length 25 >>\nstream\n0 0 0 rg 50 50 400 600 re f\nendstream".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_files_are_read_exactly_and_bad_files_say_why() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let user = "importer";

    let resume = json!({
        "basics": {"name": "Linus Torvalds", "label": "Kernel maintainer", "email": "linus@example.org",
                   "phone": "+1 503 555 0199", "summary": "Wrote a kernel.",
                   "location": {"city": "Portland", "region": "Oregon", "countryCode": "US"},
                   "profiles": [{"network": "GitHub", "username": "torvalds", "url": "https://github.com/torvalds"}]},
        "work": [{"name": "Linux Foundation", "position": "Fellow", "startDate": "2003-06-01",
                  "highlights": ["Maintains Linux", "Wrote git"]},
                 {"name": "Transmeta", "position": "Engineer", "startDate": "1997", "endDate": "2003-06"}],
        "education": [{"institution": "University of Helsinki", "area": "Computer Science", "studyType": "MSc",
                       "startDate": "1988", "endDate": "1996"}],
        "skills": [{"name": "Systems", "keywords": ["C", "Git"]}],
        "certificates": [{"name": "Honorary Doctorate", "date": "1999-01-01", "issuer": "Stockholm University"}]
    });
    let done = import(&system, user, "resume.json", serde_json::to_vec(&resume)?).await?;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let draft = &done["draft"];
    assert_eq!(draft["full_name"], "Linus Torvalds");
    assert_eq!(
        (draft["email"].as_str(), draft["phone"].as_str()),
        (Some("linus@example.org"), Some("+1 503 555 0199"))
    );
    assert_eq!(draft["location"], "Portland, Oregon, US");
    assert_eq!(draft["links"][0], json!({"label": "GitHub", "url": "https://github.com/torvalds"}));
    assert_eq!(draft["experience"][0]["start"], "2003-06");
    assert!(draft["experience"][0]["end"].is_null(), "no endDate is current");
    assert_eq!(draft["experience"][0]["highlights"], json!(["Maintains Linux", "Wrote git"]));
    assert_eq!(
        (draft["experience"][1]["start"].as_str(), draft["experience"][1]["end"].as_str()),
        (Some("1997"), Some("2003-06"))
    );
    assert_eq!(
        draft["education"][0],
        json!({"institution": "University of Helsinki", "degree": "MSc",
        "field": "Computer Science", "start": "1988", "end": "1996"})
    );
    assert_eq!(draft["skills"], json!(["C", "Git"]));
    assert_eq!(
        draft["certifications"][0],
        json!({"name": "Honorary Doctorate", "issuer": "Stockholm University", "year": 1999})
    );
    assert_eq!(done["source"]["format"], "json_resume");

    let done = import(&system, user, "Basic_LinkedInDataExport_12-03-2026.zip", linkedin_export()?).await?;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let draft = &done["draft"];
    assert_eq!(draft["full_name"], "Grace Hopper");
    assert_eq!(draft["email"], "grace@example.com", "the primary address");
    assert_eq!(draft["phone"], "+1 202 555 0100");
    assert_eq!(
        (draft["headline"].as_str(), draft["location"].as_str()),
        (Some("Rear admiral and programmer"), Some("Arlington, Virginia"))
    );
    assert_eq!(draft["links"][0], json!({"label": "Portfolio", "url": "https://grace.example.com"}));
    assert_eq!(
        draft["experience"][0],
        json!({"company": "US Navy", "title": "Rear Admiral", "location": "Washington",
        "start": "1967-03", "end": "1986-08", "highlights": ["Led the COBOL standard", "Retired twice"]})
    );
    assert_eq!(
        (draft["experience"][1]["start"].as_str(), draft["experience"][1]["end"].as_str()),
        (Some("1949"), None)
    );
    assert_eq!(draft["education"][0]["institution"], "Yale University");
    assert_eq!(draft["education"][0]["degree"], "PhD");
    assert_eq!(draft["skills"], json!(["COBOL", "Compilers"]));
    assert_eq!(
        draft["certifications"][0],
        json!({"name": "Naval Reserve Commission", "issuer": "US Navy", "year": 1943})
    );

    // Bad files: each fails with what to do about it, or is refused at the door.
    let failed = import(&system, user, "scan.pdf", scanned_pdf()).await?;
    assert_eq!(failed["status"], "FAILURE");
    assert_eq!(failed["error_message"], "this PDF is a scan with no text in it: paste the text instead");
    let failed = import(&system, user, "cv.pdf", b"PK\x03\x04not really a pdf".to_vec()).await?;
    assert!(failed["error_message"].as_str().unwrap().starts_with("cv.pdf is not a PDF"), "{failed}");
    let mut other_zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    other_zip.start_file("photos/holiday.jpg", zip::write::SimpleFileOptions::default())?;
    other_zip.write_all(b"jpeg")?;
    let failed = import(&system, user, "export.zip", other_zip.finish()?.into_inner()).await?;
    let message = failed["error_message"].as_str().unwrap();
    assert!(message.contains("not a LinkedIn data export") && message.contains("Profile.csv"), "{message}");
    let (status, body) = upload(&system, user, "empty.pdf", Vec::new()).await?;
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (400, Some("empty.pdf is empty: there is nothing in it to import"))
    );
    let (status, body) = upload(&system, user, "photo.png", b"\x89PNG".to_vec()).await?;
    assert_eq!(status, 415, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("PDF (.pdf), Word (.docx)"), "{body}");
    // Over the limit by a byte or by far (past the edge's body limit too), as a file or as
    // pasted text: 413.
    for size in [IMPORT_MAX_BYTES + 1, 2 * IMPORT_MAX_BYTES] {
        let (status, body) = upload(&system, user, "huge.pdf", vec![b'%'; size]).await?;
        assert_eq!((status, &body["error"]["code"]), (413, &json!("INVALID_ARGUMENT")), "{size}: {body}");
    }
    let (status, body) =
        system.post(user, "/api/candidates/imports", json!({"text": "x".repeat(IMPORT_MAX_BYTES + 1)})).await?;
    assert_eq!(status, 413, "{body}");
    // Over gRPC too, the import's own words, not the transport's "message too large".
    let mut imports = CandidateServiceClient::new(system.channel().await?);
    for size in [IMPORT_MAX_BYTES + 1, 2 * IMPORT_MAX_BYTES] {
        let request =
            v1::CreateImportRequest { filename: "huge.pdf".into(), data: vec![b'%'; size], ..Default::default() };
        let refused = imports.create_import(system.grpc_request(user, request)).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{size}: {refused:?}");
        assert!(refused.message().contains("an import takes at most 5120 KiB"), "{size}: {refused:?}");
    }

    // Pasted text, without a name: it succeeds, and says the name is missing.
    let (status, created) = system
        .post(user, "/api/candidates/imports", json!({"text": "experience\nworked at places 2019 - 2020"}))
        .await?;
    assert_eq!(status, 202, "{created}");
    assert!(created["source"]["filename"].is_null());
    let done = finished(&system, user, created["import_id"].as_str().unwrap()).await?;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    assert!(done["warnings"].as_array().unwrap().iter().any(|w| w["field"] == "full_name"), "{done}");

    // The owner's event stream of an ended import: its last state, then the end.
    let events = system
        .http
        .get(system.url(&format!("/api/candidates/imports/{}/events", done["import_id"].as_str().unwrap())))
        .bearer_auth(system.token(user))
        .send()
        .await?;
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let body = events.text().await?;
    assert!(body.contains("event: progress") && body.contains("\"status\":\"SUCCESS\""), "{body}");

    // Another user sees none of it; deleting an import deletes its file.
    let id = done["import_id"].as_str().unwrap();
    let path = format!("/api/candidates/imports/{id}");
    assert_eq!(system.get("stranger", &path).await?.0, 404);
    assert_eq!(system.get("stranger", &format!("{path}/events")).await?.0, 404);
    assert_eq!(system.get("stranger", "/api/candidates/imports").await?.1["imports"], json!([]));
    let delete =
        |as_user: &'static str| system.http.delete(system.url(&path)).bearer_auth(system.token(as_user)).send();
    assert_eq!(delete("stranger").await?.status(), 404);
    let before = system.rows("candidate_import").await?;
    assert_eq!(delete(user).await?.status(), 204);
    assert_eq!(system.rows("candidate_import").await?, before - 1, "the file and draft are gone");
    assert_eq!(system.get(user, &path).await?.0, 404);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employer_the_model_invents_is_dropped_with_a_warning() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let text = "Ada Lovelace\nada@example.com\n\nExperience\nProgrammer, Analytical Engines Ltd · 2020 – Present\n- Wrote the first program\n";
    model.script_for(
        Call::Import,
        [Reply::Body(
            json!({
        "full_name": "Ada Lovelace", "email": "ada@example.com", "phone": null, "location": null, "headline": null,
        "summary": null, "links": [], "skills": [],
        "experience": [
            {"company": "Analytical Engines Ltd", "title": "Programmer", "location": null, "start": "2020", "end": null,
             "highlights": ["Wrote the first program"]},
            {"company": "Google", "title": "Staff Engineer", "location": null, "start": "2015", "end": "2019",
             "highlights": ["Led search"]}],
        "education": [], "certifications": []})
            .to_string(),
        )],
    );
    let (status, created) = system.post("ada", "/api/candidates/imports", json!({"text": text})).await?;
    assert_eq!(status, 202, "{created}");
    let done = finished(&system, "ada", created["import_id"].as_str().unwrap()).await?;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let companies: Vec<&Value> =
        done["draft"]["experience"].as_array().unwrap().iter().map(|r| &r["company"]).collect();
    assert_eq!(companies, [&json!("Analytical Engines Ltd")]);
    let warning = done["warnings"].as_array().unwrap().iter().find(|w| w["field"] == "experience[1].company");
    assert!(
        warning.is_some_and(|w| w["message"].as_str().unwrap().contains("\"Google\" is not in the file")),
        "{done}"
    );
    assert!(done["prompt_tokens"].as_i64() > Some(0), "the model's reading is counted");
    assert_eq!(model.seen().iter().filter(|s| s.schema == "candidate_import").count(), 1);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_model_reads_wrong_is_read_from_the_file_without_it() -> anyhow::Result<()> {
    // A model that fills the schema with words of its own (as a generic one may): every
    // fact is dropped as not in the file, and the offline reader's reading fills the gaps.
    let model = FakeModel::start().await?;
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let text = "Ada Lovelace\nada@example.com\n\nExperience\nProgrammer, Analytical Engines Ltd · 2020 – Present\n- Wrote the first program\n";
    let invented = json!({
        "full_name": "Tailored name", "email": "someone@invalid.test", "phone": null, "location": null,
        "headline": null, "summary": null, "links": [], "skills": ["Cobol"],
        "experience": [{"company": "Tailored company", "title": "Tailored title", "location": null, "start": "2001",
                        "end": null, "highlights": ["Tailored highlight"]}],
        "education": [], "certifications": []});
    model.script_for(Call::Import, [Reply::Body(invented.to_string())]);
    let (status, created) = system.post("ada", "/api/candidates/imports", json!({"text": text})).await?;
    assert_eq!(status, 202, "{created}");
    let done = finished(&system, "ada", created["import_id"].as_str().unwrap()).await?;
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let draft = &done["draft"];
    assert_eq!(
        (draft["full_name"].as_str(), draft["email"].as_str()),
        (Some("Ada Lovelace"), Some("ada@example.com")),
        "{done}"
    );
    assert_eq!(draft["experience"][0]["company"], "Analytical Engines Ltd", "{done}");
    assert_eq!(draft["skills"], json!([]), "nothing invented: {done}");
    let said = |field: &str, words: &str| {
        done["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["field"] == field && w["message"].as_str().unwrap().contains(words))
    };
    assert!(said("full_name", "\"Tailored name\" is not in the file"), "{done}");
    assert!(
        said("full_name", "read from the file without it") && said("experience", "read from the file without it"),
        "{done}"
    );
    // The dropped role's warning is the list's now: its index named the model's role, not
    // the one the file gave in its place.
    assert!(said("experience", "\"Tailored company\" is not in the file"), "{done}");
    assert!(!done["warnings"].to_string().contains("experience[0]"), "{done}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_watcher_of_an_import_is_told_its_end_once() -> anyhow::Result<()> {
    // Watchers that join while the import is read: each is sent what it shows when the
    // import is read anew, so an event that arrives later than that read is not news.
    let system = System::start(Db::Sqlite, 1).await?;
    let text = "Ada Lovelace\nada@example.com\n\nExperience\nProgrammer, Analytical Engines Ltd · 2020 – Present\n";
    for round in 0..12 {
        let (status, created) = system.post("ada", "/api/candidates/imports", json!({"text": text})).await?;
        assert_eq!(status, 202, "{created}");
        let path = format!("/api/candidates/imports/{}/events", created["import_id"].as_str().unwrap());
        let watchers = (0..8).map(|_| {
            let request = system.http.get(system.url(&path)).bearer_auth(system.token("ada"));
            async move { anyhow::Ok(request.send().await?.text().await?) }
        });
        for body in futures::future::try_join_all(watchers).await? {
            let statuses: Vec<&str> = body
                .lines()
                .filter_map(|line| line.strip_prefix("data: "))
                .filter_map(|data| data.split("\"status\":\"").nth(1)?.split('"').next())
                .collect();
            assert_eq!(statuses.last(), Some(&"SUCCESS"), "round {round}: {body}");
            assert_eq!(statuses.iter().filter(|s| **s == "SUCCESS").count(), 1, "round {round}: {body}");
        }
    }
    system.stop().await
}
