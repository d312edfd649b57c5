/**
 * RFC 7636 pieces for the authorization-code flow: a random code verifier, its S256 challenge, and
 * a random `state` that ties the callback to the request this tab made.
 */

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function randomBase64Url(byteCount: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** 32 random bytes → 43 characters of the unreserved alphabet, as RFC 7636 §4.1 asks. */
export function createCodeVerifier(): string {
  return randomBase64Url(32);
}

/** `BASE64URL(SHA256(verifier))`: the `S256` method. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function createState(): string {
  return randomBase64Url(16);
}
