/** The CSV tokenizer: RFC 4180 records, line accounting and findings, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { type CsvFinding, CsvTokenizer } from '../../../../functions/core/datasets/csv-tokenizer.ts';

interface Tokenized {
  records: { fields: string[]; line: number; quotedNewline: boolean }[];
  blankLines: number[];
  findings: { finding: CsvFinding; line: number; fieldIndex: number }[];
  lineEndings: { lf: number; crlf: number; cr: number };
}

function tokenize(text: string, chunkSize = text.length || 1, maxRecordChars?: number): Tokenized {
  const result: Tokenized = {
    records: [],
    blankLines: [],
    findings: [],
    lineEndings: { lf: 0, crlf: 0, cr: 0 },
  };
  const tokenizer = new CsvTokenizer(
    {
      onRecord: (fields, line, quotedNewline) => result.records.push({ fields, line, quotedNewline }),
      onBlankLine: (line) => result.blankLines.push(line),
      onFinding: (finding, line, fieldIndex) => result.findings.push({ finding, line, fieldIndex }),
    },
    maxRecordChars === undefined ? {} : { maxRecordChars },
  );
  for (let i = 0; i < text.length; i += chunkSize) tokenizer.write(text.slice(i, i + chunkSize));
  tokenizer.end();
  result.lineEndings = { ...tokenizer.lineEndings };
  return result;
}

const fieldsOf = (t: Tokenized) => t.records.map((r) => r.fields);

describe('CsvTokenizer.write', () => {
  it('reads RFC 4180 records: quoted commas, escaped quotes, empty fields, no final line break', () => {
    // Prepare
    const text = 'a,b,c\n"x,y","say ""hi""",\n,,\n"",last';
    // Act
    const result = tokenize(text);
    // Assess
    expect(fieldsOf(result)).toEqual([
      ['a', 'b', 'c'],
      ['x,y', 'say "hi"', ''],
      ['', '', ''],
      ['', 'last'],
    ]);
    expect(result.findings).toEqual([]);
  });

  it('accepts LF, CRLF and CR endings, counts each kind and the line every record starts on', () => {
    const result = tokenize('h1,h2\r\n1,2\n3,4\r5,6\r\n');
    expect(fieldsOf(result)).toEqual([
      ['h1', 'h2'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(result.records.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(result.lineEndings).toEqual({ lf: 1, crlf: 2, cr: 1 });
  });

  it('keeps line breaks inside quoted values, flags the record and keeps counting physical lines', () => {
    const result = tokenize('id,note\n1,"two\r\nlines"\n2,"three\nmore\nlines"\n3,x\n');
    expect(result.records.map((r) => [r.line, r.quotedNewline])).toEqual([
      [1, false],
      [2, true],
      [4, true],
      [7, false],
    ]);
    expect(result.records[1]?.fields[1]).toBe('two\r\nlines');
    // Line breaks inside quotes are not record endings.
    expect(result.lineEndings).toEqual({ lf: 4, crlf: 0, cr: 0 });
  });

  it('skips blank lines and says which lines they were', () => {
    const result = tokenize('\na,b\r\n\r\n1,2\n\n');
    expect(fieldsOf(result)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(result.blankLines).toEqual([1, 3, 5]);
  });

  it('reports a quote inside an unquoted value and keeps it as written', () => {
    const result = tokenize('h\n5\'11"\n');
    expect(fieldsOf(result)).toEqual([['h'], ['5\'11"']]);
    expect(result.findings).toEqual([{ finding: 'stray-quote', line: 2, fieldIndex: 0 }]);
  });

  it('reports text after a closing quote', () => {
    const result = tokenize('a,b\n1,"x"y\n');
    expect(result.findings).toEqual([{ finding: 'malformed-quote', line: 2, fieldIndex: 1 }]);
    expect(fieldsOf(result)[1]).toEqual(['1', 'xy']);
  });

  it('reports a quote never closed, at the line it was opened, and emits no record for it', () => {
    const result = tokenize('a,b\n1,"open\n2,3\n');
    expect(fieldsOf(result)).toEqual([['a', 'b']]);
    expect(result.findings).toEqual([{ finding: 'unterminated-quote', line: 2, fieldIndex: 1 }]);
  });

  it('stops at a record longer than the bound, so an unclosed quote cannot swallow memory', () => {
    const result = tokenize(`a\n"${'x'.repeat(100)}\n1\n`, 7, 50);
    expect(result.findings).toEqual([expect.objectContaining({ finding: 'record-too-long', line: 2 })]);
    expect(fieldsOf(result)).toEqual([['a']]);
  });

  it('gives the same records, lines and findings whatever the chunk size', () => {
    const text = '\uFEFFid,"q"\r\n1,"a\r\nb",x"y\r2,"c""d"\n\n3,"e"f\r\n4,';
    const whole = tokenize(text);
    for (let size = 1; size <= text.length; size++) expect(tokenize(text, size)).toEqual(whole);
  });
});
