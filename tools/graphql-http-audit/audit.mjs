// Runs graphql-http's server audit (the reference suite of the GraphQL over HTTP
// specification) against the GraphQL endpoint given as the only argument, and prints one
// JSON object per audit on its own line: {"id", "name", "status", "reason", "status_code",
// "body"}; "reason", "status_code" and "body" only for audits that did not pass.
// Exits 0 when the audit ran (whatever it found), 2 on a wrong command line.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url || process.argv.length !== 3) {
  process.stderr.write('usage: node audit.mjs http://HOST:PORT/graphql\n');
  process.exit(2);
}

for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    line.status_code = result.response.status;
    line.content_type = result.response.headers.get('content-type');
    line.body = result.response.bodyUsed
      ? '(read by the audit)'
      : (await result.response.text()).slice(0, 2000);
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
