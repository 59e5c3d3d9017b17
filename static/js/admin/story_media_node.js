// The story editor's media node: a library photo, a gallery or an embed, stored in the body
// as a reference (<figure data-photo="12"></figure>, data-gallery="12,13",
// data-embed="https://…") and expanded only on the public page. Without this node the
// editor (Tiptap) would drop such figures it does not know, and the next save would lose
// them. Loaded by django-prose-editor's configurable preset (DJANGO_PROSE_EDITOR_EXTENSIONS).
import { Node } from "django-prose-editor/editor"

const KINDS = ["photo", "gallery", "embed"]

export const StoryMedia = Node.create({
  name: "storyMedia",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    const attributes = {}
    for (const kind of KINDS) {
      attributes[kind] = {
        default: null,
        parseHTML: (element) => element.getAttribute(`data-${kind}`),
        renderHTML: (values) => (values[kind] ? { [`data-${kind}`]: values[kind] } : {}),
      }
    }
    return attributes
  },

  parseHTML() {
    return KINDS.map((kind) => ({ tag: `figure[data-${kind}]` }))
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },
})
