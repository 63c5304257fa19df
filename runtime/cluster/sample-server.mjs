// The sample app's task: a small HTTP service on $HOST:$PORT0 that says which task answered (handy behind a VIP).
import { createServer } from 'node:http';

const { HOST = '127.0.0.1', PORT0 = '0', MESOS_TASK_ID = 'unknown' } = process.env;
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(`${JSON.stringify({ task: MESOS_TASK_ID, host: HOST, port: Number(PORT0), path: req.url })}\n`);
});
server.listen(Number(PORT0), HOST, () => console.log(`sample app ${MESOS_TASK_ID} listening on ${HOST}:${PORT0}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
