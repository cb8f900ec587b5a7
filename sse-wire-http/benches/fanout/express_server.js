// The chat room the way the articles write it on Node/Express: a list of responses, and
// `res.write` per message to each. For the fan-out benchmark only (run.sh).
// usage: node express_server.js PORT
const express = require("express");

const app = express();
let clients = [];
app.get("/chat", (req, res) => {
  res.set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
  res.flushHeaders();
  clients.push(res);
  req.on("close", () => {
    clients = clients.filter((client) => client !== res);
  });
});
let id = 0;
app.post("/chat", express.text({ type: "*/*" }), (req, res) => {
  id += 1;
  const message = `event: chat\nid: ${id}\ndata: ${req.body}\n\n`;
  clients.forEach((client) => client.write(message));
  res.send(String(id));
});
app.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("express: listening"));
