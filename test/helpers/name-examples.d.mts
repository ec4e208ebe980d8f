/** One attribute of an example subject: a Windows key or a dotted OID, its ASN.1 type and its value. */
export interface ExampleAttribute {
  key: string;
  type: string;
  value: string;
  bytes?: "UTF-8" | "Latin-1";
}

/** A worked example of docs/name-rendering.md: the subject's RDNs in encoded order. */
export interface NameExample {
  id: string;
  rdns: ExampleAttribute[][];
}

/** What `inspect --json` rendered for an example's certificate. */
export interface RenderedName {
  subject: string;
  subjectName: string;
}

export const NAME_EXAMPLES: NameExample[];
export function writeNameExamples(dir: string): Map<string, string>;
export function describeEncoding(example: NameExample): string;
export function exampleBlock(example: NameExample, rendered: RenderedName): string;
export function renderNameExamples(): Map<string, RenderedName | undefined>;
