/**
 * Zotero's items as Zotero stores them in `zotero.sqlite`, read with sql.js from a snapshot (./snapshot.ts). Pure: no
 * `vscode` import, no file access; ./zoteroSource.ts turns the items into papers.
 *
 * What the reader must know, checked against Zotero's schema files (resource/schema/userdata.sql and the global schema,
 * zotero/zotero-schema's schema.json; test/fixtures/zotero/README.md names the commits):
 * - Item types, fields and creator types are looked up by name, never by id: Zotero assigns the ids when it first
 *   loads the global schema into a database, so they differ between databases. The `…Combined` tables, which add
 *   the user's custom types and fields, are read where they exist.
 * - Regular items only: not notes, attachments or annotations, not in the trash (`deletedItems`), and only in the
 *   user's library or a group's (a feed is a library too, and its items are not the user's). A trashed item keeps its
 *   collection rows, so collections are read through the items that are kept.
 * - A field that specialises a base field (`caseName` → `title`, `proceedingsTitle` → `publicationTitle`, `university`
 *   → `publisher`) is stored under its own id: the item is given the value under both names, through
 *   `baseFieldMappings`. An item can have no title at all.
 * - Dates are stored as `YYYY-MM-DD original text`, `00` for an unknown part (./zoteroItem.ts reads them).
 * - Attachment paths: `storage:file.pdf` in `storage/<the attachment's own key>/`, an absolute path (a linked file), or
 *   `attachments:relative/path` below a base folder that Zotero keeps in its preferences, not in the database.
 * - Better BibTeX's own database beside Zotero's (`better-bibtex.sqlite`, table `citationkey`) holds the keys it
 *   assigned, by library and item key.
 */
import * as path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';

export interface ZoteroCreator {
  /** The creator type's name: `author`, `editor`, `bookAuthor`, … */
  readonly role: string;
  /** Whether the role is the item type's primary one (the `author` of a book, the `inventor` of a patent). */
  readonly primary: boolean;
  readonly firstName: string;
  readonly lastName: string;
  /** Stored in one field (an institution, a single name): `lastName` holds it whole. */
  readonly singleField: boolean;
}

export interface ZoteroItem {
  readonly libraryID: number;
  /** Zotero's 8-character key, unique within the library. */
  readonly itemKey: string;
  readonly itemType: string;
  /** Values by field name, and also by base field name where the field specialises one (`title` for `caseName`). */
  readonly fields: ReadonlyMap<string, string>;
  /** In Zotero's order. */
  readonly creators: readonly ZoteroCreator[];
  /** The collections that hold it, each as its path from the library's top: `Thesis/Chapter 2`. */
  readonly collections: readonly string[];
  /** Absolute paths of its PDF attachments, in the order Zotero lists them. */
  readonly pdfFiles: readonly string[];
  /** The key Better BibTeX stored for it in its own database. */
  readonly betterBibtexKey?: string;
}

export interface ZoteroLibrary {
  readonly libraryID: number;
  /** The group's id for a group library (in `zotero://select/groups/ID/…` links); absent for the user's library. */
  readonly groupID?: number;
  /** "My Library", or the group's name. */
  readonly name: string;
  readonly items: readonly ZoteroItem[];
}

export interface ZoteroReadOptions {
  /** The Zotero data directory, whose `storage/` holds stored attachments. */
  readonly dataDirectory: string;
  /** Better BibTeX's database (`better-bibtex.sqlite`), when it is there. */
  readonly betterBibtex?: Uint8Array;
  /** The base folder of `attachments:` paths, when known (Zotero keeps it in its preferences). */
  readonly baseAttachmentPath?: string;
}

export interface ZoteroContents {
  readonly libraries: readonly ZoteroLibrary[];
  /** What could not be read, for the user: the source's warnings. */
  readonly warnings: readonly string[];
}

const NOT_REGULAR_ITEM_TYPES = ['note', 'attachment', 'annotation'];

/** Rows of a query, one array of values per row, read a row at a time. */
function* rows(db: Database, sql: string): Generator<SqlValue[]> {
  const statement = db.prepare(sql);
  try {
    while (statement.step()) yield statement.get();
  } finally {
    statement.free();
  }
}

function hasTable(db: Database, name: string): boolean {
  for (const _ of rows(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${name}'`)) return true;
  return false;
}

/** The first of these tables the database has: the `…Combined` one, with custom types and fields, where it exists. */
function tableOf(db: Database, ...names: string[]): string {
  return names.find((name) => hasTable(db, name)) ?? names[names.length - 1];
}

/** The items of the user's library and of each group library; throws when the database is not Zotero's. */
export function readZoteroDatabase(SQL: SqlJsStatic, database: Uint8Array, options: ZoteroReadOptions): ZoteroContents {
  const db = new SQL.Database(database);
  try {
    // A snapshot is never written to; this makes sure of it.
    db.run('PRAGMA query_only = 1');
    for (const table of ['items', 'itemData', 'itemDataValues', 'libraries']) {
      if (!hasTable(db, table)) throw new Error(`This is not a Zotero database: it has no "${table}" table.`);
    }
    return readContents(SQL, db, options);
  } finally {
    db.close();
  }
}

/** The condition on `items` that keeps the regular items of the user's and the groups' libraries, as the module comment says. */
function regularItems(db: Database): string {
  const trash = hasTable(db, 'deletedItems') ? 'AND itemID NOT IN (SELECT itemID FROM deletedItems)' : '';
  const types = `SELECT itemTypeID FROM ${tableOf(db, 'itemTypesCombined', 'itemTypes')} WHERE typeName IN (${NOT_REGULAR_ITEM_TYPES.map((name) => `'${name}'`).join(', ')})`;
  return `itemTypeID NOT IN (${types}) ${trash} AND libraryID IN (SELECT libraryID FROM libraries WHERE type IN ('user', 'group'))`;
}

/** How many regular items the database holds, for the offer to use the library; throws when it is not Zotero's. */
export function countZoteroItems(SQL: SqlJsStatic, database: Uint8Array): number {
  const db = new SQL.Database(database);
  try {
    db.run('PRAGMA query_only = 1');
    for (const [count] of rows(db, `SELECT COUNT(*) FROM items WHERE ${regularItems(db)}`)) return Number(count);
    return 0;
  } finally {
    db.close();
  }
}

function readContents(SQL: SqlJsStatic, db: Database, options: ZoteroReadOptions): ZoteroContents {
  const warnings: string[] = [];
  const itemTypes = new Map<number, string>();
  for (const [id, name] of rows(db, `SELECT itemTypeID, typeName FROM ${tableOf(db, 'itemTypesCombined', 'itemTypes')}`)) itemTypes.set(Number(id), String(name));
  const fieldNames = new Map<number, string>();
  for (const [id, name] of rows(db, `SELECT fieldID, fieldName FROM ${tableOf(db, 'fieldsCombined', 'fields')}`)) fieldNames.set(Number(id), String(name));
  /** `itemTypeID:fieldID` → the base field's name. */
  const baseFields = new Map<string, string>();
  for (const [typeID, baseID, fieldID] of rows(db, `SELECT itemTypeID, baseFieldID, fieldID FROM ${tableOf(db, 'baseFieldMappingsCombined', 'baseFieldMappings')}`)) {
    const base = fieldNames.get(Number(baseID));
    if (base) baseFields.set(`${typeID}:${fieldID}`, base);
  }
  const creatorTypes = new Map<number, string>();
  for (const [id, name] of rows(db, 'SELECT creatorTypeID, creatorType FROM creatorTypes')) creatorTypes.set(Number(id), String(name));
  const primaryCreatorTypes = new Set<string>();
  for (const [typeID, creatorTypeID] of rows(db, 'SELECT itemTypeID, creatorTypeID FROM itemTypeCreatorTypes WHERE primaryField = 1')) primaryCreatorTypes.add(`${typeID}:${creatorTypeID}`);

  const libraries = new Map<number, { libraryID: number; groupID?: number; name: string; items: ZoteroItem[] }>();
  const groups = hasTable(db, 'groups');
  const librarySql = groups
    ? "SELECT l.libraryID, l.type, g.groupID, g.name FROM libraries l LEFT JOIN groups g ON g.libraryID = l.libraryID WHERE l.type IN ('user', 'group') ORDER BY l.type = 'group', g.name, l.libraryID"
    : "SELECT libraryID, type, NULL, NULL FROM libraries WHERE type = 'user'";
  for (const [libraryID, type, groupID, name] of rows(db, librarySql)) {
    const id = Number(libraryID);
    libraries.set(id, type === 'group' ? { libraryID: id, groupID: Number(groupID), name: String(name ?? `Group ${groupID}`), items: [] } : { libraryID: id, name: 'My Library', items: [] });
  }

  const hasTrash = hasTable(db, 'deletedItems');
  const notTrashed = (column: string): string => (hasTrash ? `${column} NOT IN (SELECT itemID FROM deletedItems)` : '1');
  interface Building {
    item: { -readonly [K in keyof ZoteroItem]: ZoteroItem[K] };
    fields: Map<string, string>;
    typeID: number;
  }
  const items = new Map<number, Building>();
  const itemSql = `SELECT itemID, itemTypeID, libraryID, key FROM items WHERE ${regularItems(db)} ORDER BY itemID`;
  for (const [itemID, typeID, libraryID, key] of rows(db, itemSql)) {
    const itemType = itemTypes.get(Number(typeID));
    if (!libraries.has(Number(libraryID)) || itemType === undefined) continue;
    const fields = new Map<string, string>();
    items.set(Number(itemID), {
      item: { libraryID: Number(libraryID), itemKey: String(key), itemType, fields, creators: [], collections: [], pdfFiles: [] },
      fields,
      typeID: Number(typeID),
    });
  }

  for (const [itemID, fieldID, value] of rows(db, 'SELECT d.itemID, d.fieldID, v.value FROM itemData d JOIN itemDataValues v ON v.valueID = d.valueID')) {
    const building = items.get(Number(itemID));
    const name = fieldNames.get(Number(fieldID));
    if (!building || name === undefined || value === null) continue;
    const text = String(value);
    building.fields.set(name, text);
    const base = baseFields.get(`${building.typeID}:${fieldID}`);
    if (base !== undefined) building.fields.set(base, text);
  }

  const creatorSql = 'SELECT ic.itemID, ic.creatorTypeID, c.firstName, c.lastName, c.fieldMode FROM itemCreators ic JOIN creators c ON c.creatorID = ic.creatorID ORDER BY ic.itemID, ic.orderIndex';
  for (const [itemID, creatorTypeID, firstName, lastName, fieldMode] of rows(db, creatorSql)) {
    const building = items.get(Number(itemID));
    if (!building) continue;
    (building.item.creators as ZoteroCreator[]).push({
      role: creatorTypes.get(Number(creatorTypeID)) ?? 'author',
      primary: primaryCreatorTypes.has(`${building.typeID}:${creatorTypeID}`),
      firstName: String(firstName ?? ''),
      lastName: String(lastName ?? ''),
      singleField: Number(fieldMode) === 1,
    });
  }

  if (hasTable(db, 'collections')) {
    const collections = new Map<number, { name: string; parent: number | null }>();
    const deleted = hasTable(db, 'deletedCollections') ? 'WHERE collectionID NOT IN (SELECT collectionID FROM deletedCollections)' : '';
    for (const [id, name, parent] of rows(db, `SELECT collectionID, collectionName, parentCollectionID FROM collections ${deleted}`)) {
      collections.set(Number(id), { name: String(name), parent: parent === null ? null : Number(parent) });
    }
    const pathOf = (id: number): string | undefined => {
      const names: string[] = [];
      for (let at: number | null = id, depth = 0; at !== null && depth < 100; depth++) {
        const collection = collections.get(at);
        // A collection under a trashed one is in the trash too.
        if (!collection) return undefined;
        names.unshift(collection.name);
        at = collection.parent;
      }
      return names.join('/');
    };
    for (const [collectionID, itemID] of rows(db, 'SELECT collectionID, itemID FROM collectionItems ORDER BY collectionID')) {
      const building = items.get(Number(itemID));
      const name = building && pathOf(Number(collectionID));
      if (building && name !== undefined) (building.item.collections as string[]).push(name);
    }
  }

  if (hasTable(db, 'itemAttachments')) {
    let unresolved = 0;
    const attachmentSql = `SELECT a.parentItemID, a.path, i.key FROM itemAttachments a JOIN items i ON i.itemID = a.itemID WHERE a.parentItemID IS NOT NULL AND a.contentType = 'application/pdf' AND a.path IS NOT NULL AND ${notTrashed('a.itemID')} ORDER BY a.parentItemID, a.itemID`;
    for (const [parentID, storedPath, key] of rows(db, attachmentSql)) {
      const building = items.get(Number(parentID));
      if (!building) continue;
      const file = attachmentFile(String(storedPath), String(key), options);
      if (file === undefined) unresolved++;
      else (building.item.pdfFiles as string[]).push(file);
    }
    if (unresolved > 0) {
      warnings.push(`${unresolved} PDF attachment${unresolved > 1 ? 's are' : ' is'} linked relative to Zotero's base directory for linked files, which is kept in Zotero's preferences: ${unresolved > 1 ? 'they have' : 'it has'} no Open PDF.`);
    }
  }

  const betterBibtexKeys = options.betterBibtex ? readBetterBibtexKeys(SQL, options.betterBibtex, warnings) : new Map<string, string>();
  for (const { item } of items.values()) {
    const key = betterBibtexKeys.get(`${item.libraryID}/${item.itemKey}`);
    if (key !== undefined) item.betterBibtexKey = key;
    libraries.get(item.libraryID)!.items.push(item);
  }
  return { libraries: [...libraries.values()], warnings };
}

/** Where an attachment's file is, by how Zotero stored its path; undefined for a path below an unknown base folder. */
function attachmentFile(storedPath: string, attachmentKey: string, { dataDirectory, baseAttachmentPath }: ZoteroReadOptions): string | undefined {
  if (storedPath.startsWith('storage:')) return path.join(dataDirectory, 'storage', attachmentKey, storedPath.slice('storage:'.length));
  if (storedPath.startsWith('attachments:')) return baseAttachmentPath ? path.join(baseAttachmentPath, storedPath.slice('attachments:'.length)) : undefined;
  return storedPath;
}

/**
 * Better BibTeX's keys by `libraryID/itemKey`, from its database: the `citationkey` table of Better BibTeX 6 and 7. A
 * database without it (an older Better BibTeX, or none yet) gives none, with a warning when it cannot be read.
 */
function readBetterBibtexKeys(SQL: SqlJsStatic, bytes: Uint8Array, warnings: string[]): Map<string, string> {
  const keys = new Map<string, string>();
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    db.run('PRAGMA query_only = 1');
    if (!hasTable(db, 'citationkey')) return keys;
    for (const [libraryID, itemKey, citationKey] of rows(db, 'SELECT libraryID, itemKey, citationKey FROM citationkey')) {
      if (typeof citationKey === 'string' && citationKey.trim() !== '') keys.set(`${libraryID}/${itemKey}`, citationKey.trim());
    }
  } catch (error) {
    warnings.push(`Better BibTeX's database (better-bibtex.sqlite) cannot be read, so its citation keys are not used: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    db?.close();
  }
  return keys;
}
