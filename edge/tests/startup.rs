//! The edge at start: a taken `EDGE_ADDR` stops it with an error naming the variable and
//! the address (and no line saying it listens); a `WEB_DIR` that does not exist is named in
//! a warning, and the API is served all the same.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::Duration,
};

use anyhow::{Context as _, bail};

/// The edge binary, talking to a server that is not there (neither case needs one).
fn edge() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_edge"));
    command
        .env("EDGE_ADDR", "127.0.0.1:0")
        .env("SERVER_URL", "http://127.0.0.1:1")
        .env("RUST_LOG", "info")
        .env_remove("LOG_FORMAT");
    command
}

/// A process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_taken_edge_addr_stops_the_edge_naming_it() -> anyhow::Result<()> {
    let holder = TcpListener::bind("127.0.0.1:0")?;
    let taken = holder.local_addr()?.to_string();
    let output = edge().env("EDGE_ADDR", &taken).output()?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "the edge ran with EDGE_ADDR taken:\n{printed}");
    assert!(printed.contains(&format!("EDGE_ADDR={taken}")), "the error does not name EDGE_ADDR={taken}:\n{printed}");
    assert!(printed.contains("in use"), "the error does not say the address is in use:\n{printed}");
    assert!(!printed.contains("listening"), "the edge said it listens:\n{printed}");
    Ok(())
}

#[test]
fn a_missing_web_dir_is_named_in_a_warning_and_the_api_still_answers() -> anyhow::Result<()> {
    let web_dir = std::env::temp_dir().join(format!("no-web-app-{}", uuid_like()));
    let mut child = edge().env("WEB_DIR", &web_dir).stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let edge = Killed(child);
    let (lines, seen) = mpsc::channel();
    thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).try_for_each(|l| lines.send(l)));
    // Everything it logs up to the line saying where it listens.
    let mut log = Vec::new();
    let addr = loop {
        match seen.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.contains("edge listening") => {
                break line.split("addr=").nth(1).and_then(|a| a.split_whitespace().next()).context("addr")?.to_owned();
            }
            Ok(line) => log.push(line),
            Err(error) => bail!("the edge did not say it listens ({error}):\n{}", log.join("\n")),
        }
    };
    let warning = log.iter().find(|l| l.contains("WARN") && l.contains("WEB_DIR"));
    let warning = warning.with_context(|| format!("no warning about WEB_DIR:\n{}", log.join("\n")))?;
    assert!(warning.contains(&web_dir.display().to_string()), "the warning does not name the path: {warning}");
    // Plain HTTP/1.1 by hand: the check needs no client (nor its TLS set-up).
    let mut stream = TcpStream::connect(&addr)?;
    stream.write_all(b"GET /api/healthz HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"status":"ok"}"#), "{answer}");
    drop(edge);
    Ok(())
}

/// A name no other run uses.
fn uuid_like() -> String {
    format!("{}-{}", std::process::id(), chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default())
}
