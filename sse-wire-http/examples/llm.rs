//! The shortest correct LLM streaming client: POST a JSON body, print tokens as they stream
//! (OpenAI-style `choices[0].delta.content`), stop at `[DONE]`; a stream cut short is an
//! error (exit code 1), not half an answer that looks finished.
//!
//! ```text
//! API_KEY=... cargo run -p sse-wire-http --example llm -- https://api.openai.com/v1/chat/completions "Say hello"
//! ```
use futures_util::StreamExt;
use sse_wire_http::client::{Event, EventSource};
use std::{io::Write, process::ExitCode};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nllm: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: llm URL [PROMPT]")?;
    let prompt = args.next().unwrap_or_else(|| "Say hello.".into());
    let body = serde_json::json!({
        "model": std::env::var("MODEL").unwrap_or_else(|_| "gpt-4o-mini".into()),
        "stream": true,
        "messages": [{ "role": "user", "content": prompt }],
    });
    let request = reqwest::Client::new()
        .post(url)
        .bearer_auth(std::env::var("API_KEY").unwrap_or_default())
        .header("content-type", "application/json")
        .body(body.to_string());
    // One attempt: an answer cut off is an error, not a reason to ask again.
    let mut events = EventSource::builder().max_attempts(0).build(request)?;
    while let Some(event) = events.next().await {
        let Event::Message(message) = event? else {
            continue;
        };
        if message.data() == "[DONE]" {
            println!();
            return Ok(());
        }
        let chunk: serde_json::Value = serde_json::from_str(message.data())?;
        if let Some(token) = chunk["choices"][0]["delta"]["content"].as_str() {
            print!("{token}");
            std::io::stdout().flush()?;
        }
    }
    Err("the stream ended before [DONE]".into())
}
