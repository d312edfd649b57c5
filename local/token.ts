/**
 * Prints a token for a user of the local identity provider, without the server running:
 *   node local/token.ts alice            an access token, valid one hour
 *   node local/token.ts admin --id       an ID token
 *   node local/token.ts bob --expires-in 600 --data-dir .local-data/identity
 * Then: curl -H "Authorization: Bearer $(node local/token.ts alice)" http://localhost:3000/v1/me
 */
import { runTokenCli } from './identity-provider/token-cli.ts';

process.exitCode = await runTokenCli(process.argv.slice(2));
