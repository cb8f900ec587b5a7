//! SSE responses, keep-alive, `Last-Event-ID` and broadcast with replay.
