/**
 * Streaming UTF-8 validation that says where the first bad byte is (TextDecoder's fatal mode only
 * says that there is one). Follows the Unicode well-formed byte sequences table: no overlong forms,
 * no surrogates, nothing above U+10FFFF; a sequence may be split across chunks.
 */
export class Utf8Validator {
  #offset = 0;
  /** Continuation bytes still expected by the current sequence. */
  #need = 0;
  #lower = 0x80;
  #upper = 0xbf;
  #sequenceStart = 0;

  /**
   * Checks the next chunk. Returns the file offset of the first byte of the first ill-formed
   * sequence, or -1 when the chunk is fine so far.
   */
  check(chunk: Uint8Array): number {
    const base = this.#offset;
    this.#offset += chunk.byteLength;
    let need = this.#need;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (need === 0) {
        if (byte < 0x80) continue;
        this.#sequenceStart = base + i;
        if (byte >= 0xc2 && byte <= 0xdf) need = 1;
        else if (byte >= 0xe0 && byte <= 0xef) {
          need = 2;
          if (byte === 0xe0) this.#lower = 0xa0;
          else if (byte === 0xed) this.#upper = 0x9f;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          need = 3;
          if (byte === 0xf0) this.#lower = 0x90;
          else if (byte === 0xf4) this.#upper = 0x8f;
        } else {
          this.#need = 0;
          return base + i;
        }
      } else {
        if (byte < this.#lower || byte > this.#upper) {
          this.#need = 0;
          return this.#sequenceStart;
        }
        this.#lower = 0x80;
        this.#upper = 0xbf;
        need -= 1;
      }
    }
    this.#need = need;
    return -1;
  }

  /** At the end of the file: the offset of a sequence cut short, or -1. */
  finish(): number {
    return this.#need > 0 ? this.#sequenceStart : -1;
  }
}
