// Reads OUR server with the `eventsource` npm package (a WHATWG EventSource for Node), as a
// browser would: it reconnects on its own and sends Last-Event-ID. Prints one JSON line per
// open, error and event (types "message" and "chat"); exits after COUNT events.
// usage: node eventsource_reader.mjs URL COUNT
import { EventSource } from "eventsource";

const [url, count] = [process.argv[2], Number(process.argv[3])];
const out = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const source = new EventSource(url);
let seen = 0;
source.addEventListener("open", () => out({ open: true }));
source.addEventListener("error", () => out({ error: true, readyState: source.readyState }));
const onEvent = (event) => {
  out({ type: event.type, data: event.data, id: event.lastEventId });
  if (++seen === count) {
    source.close();
    process.exit(0);
  }
};
source.addEventListener("message", onEvent);
source.addEventListener("chat", onEvent);
setTimeout(() => {
  process.stderr.write(`timed out after ${seen} of ${count} events\n`);
  process.exit(2);
}, 30000);
