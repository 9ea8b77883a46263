/**
 * Which input names one paper: an arXiv id (`arXiv:2310.19694`, `2310.19694v2`, `hep-th/9901001`), an arxiv.org
 * abstract, PDF or HTML link, a DOI (`10.1145/3292500.3330701`, `doi:…`, a doi.org link) or a Hugging Face paper
 * page (`huggingface.co/papers/<arXiv id>`). Only the whole input counts: typed words stay a local search. Pure.
 */

export type PaperIdentifier =
  /** `id` without its version; `version` (`v2`) when the input named one. */
  | { readonly kind: 'arxiv'; readonly id: string; readonly version?: string }
  /** Lower-cased: DOIs are case-insensitive. */
  | { readonly kind: 'doi'; readonly doi: string };

/**
 * A new-style arXiv id: YYMM.NNNN from 0704 to 1412, YYMM.NNNNN since 1501. Checking the digit count against the
 * month keeps a half-typed `2310.1969` from going online.
 */
const NEW_ARXIV = /^(\d{2})(\d{2})\.(\d{4,5})(v\d+)?$/;
/** An old-style id: archive (with an optional subject class) / YYMMNNN. */
const OLD_ARXIV = /^([a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;
/** A DOI: `10.` registrant code `/` suffix, with no spaces (Crossref's own advice for matching DOIs in text). */
export const DOI_PATTERN = /^10\.\d{4,9}\/\S+$/;
/** arXiv's own DOIs (`10.48550/arXiv.2310.19694`) are looked up at arXiv, which has the abstract. */
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

const ARXIV_URL = /^https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;
const DOI_URL = /^https?:\/\/(?:dx\.)?doi\.org\/(.+?)\/?$/i;
const HUGGING_FACE_URL = /^https?:\/\/(?:www\.)?huggingface\.co\/papers\/([^/?#]+)\/?(?:[?#].*)?$/i;

export function parseIdentifier(input: string): PaperIdentifier | undefined {
  const text = input.trim().replace(/^<(.*)>$/, '$1').replace(/^(arxiv|doi):\s+/i, '$1:');
  if (text === '' || /\s/.test(text)) return undefined;
  const arxivUrl = ARXIV_URL.exec(text) ?? HUGGING_FACE_URL.exec(text);
  if (arxivUrl) return parseArxivId(arxivUrl[1]);
  const doiUrl = DOI_URL.exec(text);
  if (doiUrl) return parseDoi(safeDecode(doiUrl[1]));
  const prefixed = /^(arxiv|doi):(.+)$/i.exec(text);
  if (prefixed) return prefixed[1].toLowerCase() === 'arxiv' ? parseArxivId(prefixed[2]) : parseDoi(prefixed[2]);
  return parseArxivId(text) ?? parseDoi(text);
}

function parseArxivId(text: string): PaperIdentifier | undefined {
  const modern = NEW_ARXIV.exec(text);
  if (modern) {
    const [, year, month, number, version] = modern;
    const monthNumber = Number(month);
    const yymm = Number(year + month);
    const digits = yymm >= 1501 ? 5 : 4;
    if (monthNumber < 1 || monthNumber > 12 || yymm < 704 || number.length !== digits) return undefined;
    return withVersion(`${year}${month}.${number}`, version);
  }
  const old = OLD_ARXIV.exec(text);
  return old ? withVersion(old[1], old[2]) : undefined;
}

function withVersion(id: string, version: string | undefined): PaperIdentifier {
  return version ? { kind: 'arxiv', id, version } : { kind: 'arxiv', id };
}

function parseDoi(text: string): PaperIdentifier | undefined {
  // Punctuation that ends the sentence a DOI was copied from is not part of it.
  const doi = text.replace(/[.,;:]+$/, '');
  if (!DOI_PATTERN.test(doi)) return undefined;
  const arxiv = ARXIV_DOI.exec(doi);
  if (arxiv) return parseArxivId(arxiv[1]) ?? { kind: 'doi', doi: doi.toLowerCase() };
  return { kind: 'doi', doi: doi.toLowerCase() };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** How messages name the identifier: `arXiv:2310.19694v2`, `doi:10.1145/…`. */
export function describeIdentifier(identifier: PaperIdentifier): string {
  return identifier.kind === 'arxiv' ? `arXiv:${identifier.id}${identifier.version ?? ''}` : `doi:${identifier.doi}`;
}
