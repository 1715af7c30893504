import type { MessageEntity } from 'grammy/types';

export type { MessageEntity } from 'grammy/types';

/** Text as Telegram stores it plus its entities (offsets and lengths in UTF-16 code units). */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** The entity types the converter produces. */
export type FormatEntityType =
  | 'bold'
  | 'italic'
  | 'strikethrough'
  | 'code'
  | 'pre'
  | 'text_link'
  | 'blockquote';

/** An inline tree: what the Markdown means, before it becomes text and offsets. */
export type InlineNode =
  | { kind: 'text'; value: string }
  | { kind: 'code'; value: string }
  | { kind: 'style'; type: 'bold' | 'italic' | 'strikethrough'; children: InlineNode[] }
  | { kind: 'link'; url: string; children: InlineNode[] };

/** An entity without its position, kept per kind (`Omit` over the union would drop `url`/`language`). */
export type EntityShape = MessageEntity extends infer E
  ? E extends MessageEntity
    ? Omit<E, 'offset' | 'length'>
    : never
  : never;

/** Builds text and entities together, so offsets are always right (JS strings are UTF-16). */
export class FormattedBuilder {
  text = '';
  readonly entities: MessageEntity[] = [];

  append(value: string): void {
    this.text += value;
  }

  /**
   * Runs `write`, then covers what it appended with an entity (dropped when empty). The entity
   * goes before those `write` added, so an outer entity precedes the inner ones it contains.
   */
  wrap(entity: EntityShape, write: () => void): void {
    const offset = this.text.length;
    const index = this.entities.length;
    write();
    const length = this.text.length - offset;
    if (length > 0) this.entities.splice(index, 0, { ...entity, offset, length } as MessageEntity);
  }

  inline(nodes: readonly InlineNode[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.append(node.value);
          break;
        case 'code':
          this.wrap({ type: 'code' }, () => this.append(node.value));
          break;
        case 'style':
          this.wrap({ type: node.type }, () => this.inline(node.children));
          break;
        case 'link':
          this.wrap({ type: 'text_link', url: node.url }, () => this.inline(node.children));
          break;
      }
    }
  }
}
