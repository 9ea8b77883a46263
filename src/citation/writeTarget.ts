/**
 * Where a bibliography entry may be written. A document, a workspace's settings or a cloned repository can
 * name any path as "the bibliography", so the path alone decides nothing; the file actually written does:
 *
 * 1. Its name — and the name of the file it really is, behind symlinks — must end in a bibliography extension
 *    whose format we write for that document (`.bib`; also `.yml`/`.yaml` for a Typst document's Hayagriva file). Anything else (`~/.bashrc`, `notes.md`) is refused, naming the file.
 * 2. Its real path (symlinks resolved, `..` normalised; for a file that does not exist yet, its nearest existing
 *    ancestor's real path plus the rest) must be inside a workspace folder's real path — or the user decided on it:
 *    they set it in their user settings, picked it in a save dialog, or agreed to it earlier in this session.
 * 3. Otherwise the user is asked, in a modal question naming the full real path — unless the workspace is
 *    untrusted, where such a file is never written (the question itself would be the attacker's prompt).
 * 4. A name the file system cannot take (a part over 255 bytes, a NUL, a path too long, a symlink loop) is
 *    refused with one line naming it, shortened, before anything reads or writes it.
 *
 * Pure: the file system, the workspace folders and the trust state are injected.
 */
import * as path from 'node:path';
import { plainForMessage } from '../shared/untrustedText';

/** The bibliography formats by file extension (lower case). Only those in `WRITTEN_FORMATS` are written. */
export const BIBLIOGRAPHY_EXTENSIONS: Readonly<Record<string, BibliographyFormat>> = Object.freeze({
  '.bib': 'bibtex',
  '.yml': 'hayagriva',
  '.yaml': 'hayagriva',
  '.json': 'csl-json',
});

export type BibliographyFormat = 'bibtex' | 'hayagriva' | 'csl-json';

/** The formats we can write entries in. */
export const WRITTEN_FORMATS: readonly BibliographyFormat[] = ['bibtex'];

/**
 * The formats written for a Typst document: also Hayagriva YAML, which Typst reads and which its `#bibliography`
 * may name. Only there: any other document naming a `.yml` file as its bibliography (a CI config, say) is refused.
 */
export const TYPST_WRITTEN_FORMATS: readonly BibliographyFormat[] = ['bibtex', 'hayagriva'];

/** Who named the target: this decides whether a target outside the workspace folders needs a question. */
export type TargetOrigin =
  /** Declared by a document (`\bibliography`, `bibliography:`), or `references.bib` beside it. */
  | 'document'
  /** An argument of one of our commands (which links and other extensions can run). */
  | 'command'
  /** `paperLookup.bibliographyFile` from workspace or folder settings: the workspace's word, not the user's. */
  | 'workspaceSetting'
  /** `paperLookup.bibliographyFile` from the user's own settings. */
  | 'userSetting'
  /** Picked by the user in a save dialog. */
  | 'saveDialog';

export interface WriteTargetEnvironment {
  /** `fs.realpath`: rejects with an error whose `code` says why (`ENOENT` for a missing path). */
  realpath(file: string): Promise<string>;
  /** `fs.readlink`: rejects (`EINVAL`, `ENOENT`) when the path is no symlink. */
  readlink(file: string): Promise<string>;
  /** File system paths of the workspace folders (resolved here like the target). */
  readonly workspaceFolders: readonly string[];
  readonly trusted: boolean;
  /** Real paths the user agreed to write outside the workspace folders in this session. */
  readonly approved?: ReadonlySet<string>;
  /** Formats we write; default `WRITTEN_FORMATS`. */
  readonly formats?: readonly BibliographyFormat[];
}

export type WriteTargetDecision =
  | { readonly action: 'write'; readonly realPath: string; readonly format: BibliographyFormat }
  /** Outside every workspace folder in a trusted workspace: write only if the user says yes to `question`. */
  | { readonly action: 'ask'; readonly realPath: string; readonly format: BibliographyFormat; readonly question: string; readonly detail: string; readonly confirm: string }
  | { readonly action: 'refuse'; readonly reason: 'extension' | 'untrusted' | 'unusable'; readonly message: string };

/** Who names a target, in messages. */
const NAMED_BY: Readonly<Record<TargetOrigin, string>> = {
  document: 'the document',
  command: 'a command',
  workspaceSetting: 'the workspace setting paperLookup.bibliographyFile',
  userSetting: 'your user setting paperLookup.bibliographyFile',
  saveDialog: 'the save dialog',
};

/** The longest name of one path part that Linux, macOS and Windows file systems take, in UTF-8 bytes. */
const MAX_NAME_BYTES = 255;
/** Linux's PATH_MAX, less its terminating NUL. */
const MAX_PATH_BYTES = 4095;
/** Symlinks followed by hand (dangling ones) before giving up, as the kernel does with ELOOP. */
const MAX_LINKS = 40;
/** Errors meaning the path cannot name a file here at all, rather than that nothing is there yet. */
const UNUSABLE_CODES = new Set(['ENAMETOOLONG', 'EINVAL', 'ELOOP', 'ENOTDIR', 'EACCES', 'EPERM', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE']);
/** How much of a path a one-line message shows. */
const SHOWN_PATH_CHARS = 80;

/** Decides whether an entry may be appended to (or a file written at) `target`, an absolute file system path. */
export async function decideWriteTarget(target: string, origin: TargetOrigin, environment: WriteTargetEnvironment): Promise<WriteTargetDecision> {
  const unusable = unusableReason(target);
  if (unusable) return refuseUnusable(target, unusable);
  let realPath: string;
  try {
    realPath = await realPathOf(path.resolve(target), environment);
  } catch (error) {
    const code = errorCode(error);
    if (code && UNUSABLE_CODES.has(code)) return refuseUnusable(target, code);
    throw error;
  }
  const formats = environment.formats ?? WRITTEN_FORMATS;
  const format = formatOf(target);
  const realFormat = formatOf(realPath);
  if (!format || !realFormat || format !== realFormat || !formats.includes(format)) {
    const shown = realPath === path.resolve(target) ? shortPath(realPath) : `${shortPath(target)} (really ${shortPath(realPath)})`;
    const extensions = Object.keys(BIBLIOGRAPHY_EXTENSIONS).filter((extension) => formats.includes(BIBLIOGRAPHY_EXTENSIONS[extension]));
    return {
      action: 'refuse',
      reason: 'extension',
      message: `Paper Lookup: not writing to ${shown}: bibliography entries go only into ${extensions.join(', ')} files.`,
    };
  }
  if (origin === 'userSetting' || origin === 'saveDialog') return { action: 'write', realPath, format };
  for (const folder of environment.workspaceFolders) {
    if (isInside(realPath, await realPathOf(path.resolve(folder), environment).catch(() => path.resolve(folder)))) return { action: 'write', realPath, format };
  }
  // An agreement given while the workspace was trusted does not outlive its trust.
  if (environment.trusted && environment.approved?.has(realPath)) return { action: 'write', realPath, format };
  const named = NAMED_BY[origin];
  if (!environment.trusted) {
    return {
      action: 'refuse',
      reason: 'untrusted',
      message: `Paper Lookup: not writing to ${shortPath(realPath)}, which ${named} names: it is outside the workspace folders, and this workspace is not trusted.`,
    };
  }
  return {
    action: 'ask',
    realPath,
    format,
    question: `Add bibliography entries to ${shortPath(realPath, Infinity)}?`,
    detail: `${capitalised(named)} names this file, which is outside every workspace folder. Paper Lookup writes there only if you agree (once for this session).`,
    confirm: 'Write to This File',
  };
}

/** The format a file name's extension says, if it is a bibliography's. */
export function formatOf(file: string): BibliographyFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  return Object.hasOwn(BIBLIOGRAPHY_EXTENSIONS, extension) ? BIBLIOGRAPHY_EXTENSIONS[extension] : undefined;
}

/** Why the path cannot name a file, judged from the text alone; undefined when it can. */
function unusableReason(target: string): string | undefined {
  if (target.includes('\0')) return 'a NUL character';
  const encoder = new TextEncoder();
  if (encoder.encode(target).length > MAX_PATH_BYTES) return `longer than ${MAX_PATH_BYTES} bytes`;
  if (target.split(/[\\/]/).some((part) => encoder.encode(part).length > MAX_NAME_BYTES)) return `a name longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

function refuseUnusable(target: string, reason: string): WriteTargetDecision {
  return { action: 'refuse', reason: 'unusable', message: `Paper Lookup: cannot use ${shortPath(target)} as a bibliography: ${reason}.` };
}

/**
 * The real path of `absolute`: `realpath` where it exists; for a dangling symlink, where the link points
 * (writing would create that file); for a missing file, its parent's real path plus its name.
 */
async function realPathOf(absolute: string, environment: WriteTargetEnvironment, links = 0): Promise<string> {
  try {
    return await environment.realpath(absolute);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  const link = await environment.readlink(absolute).catch(() => undefined);
  if (link !== undefined) {
    if (links >= MAX_LINKS) throw Object.assign(new Error(`too many symbolic links: ${absolute}`), { code: 'ELOOP' });
    return realPathOf(path.resolve(parent, link), environment, links + 1);
  }
  return path.join(await realPathOf(parent, environment, links), path.basename(absolute));
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A path for a one-line message: as `plainForMessage` shows text from files (no line break, bidi control or link
 * syntax), at most `maxChars` characters, keeping its start and its file name's end.
 */
export function shortPath(file: string, maxChars = SHOWN_PATH_CHARS): string {
  const chars = [...plainForMessage(file)];
  if (chars.length <= maxChars) return chars.join('');
  const tail = Math.floor(maxChars / 2);
  return `${chars.slice(0, maxChars - tail - 1).join('')}…${chars.slice(-tail).join('')}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
