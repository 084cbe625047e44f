import type { MessageContent } from '../../schemas/index.js'

const PREVIEW_CHARS = 100

/** The one line an inbox row shows for a message. */
export function previewOf(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text.length > PREVIEW_CHARS ? `${content.text.slice(0, PREVIEW_CHARS - 1)}…` : content.text
    case 'image':
      return content.caption ? `[image] ${content.caption.slice(0, PREVIEW_CHARS)}` : '[image]'
    case 'file':
      return `[file] ${content.name}`
    case 'custom':
      return `[${content.kind}]`
  }
}

export const RECALLED_PREVIEW = '[recalled]'
export const BURNED_PREVIEW = '[burned]'
export const ERASED_PREVIEW = '[erased]'
