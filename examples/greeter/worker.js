// A background worker: reachable only on the rack's private network.
setInterval(() => console.log(`${new Date().toISOString()} worker alive`), 60_000);
