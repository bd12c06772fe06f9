// viz/app/markdown_text.hpp — lesson prose (Markdown as teachers write it) laid out for the panel.
//
// Owns: splitting a Markdown body into blocks the sidebar can wrap to its width, and drawing them.
// Why: lesson files are hard-wrapped at ~100 columns for editing; shown line by line in a narrower
// panel, every source line end became a ragged break. Markdown's own rule fixes it: lines of one
// paragraph join with spaces, a blank line ends a paragraph, `- ` / `* ` / `1. ` start list items
// (their continuation lines join the item), and a ``` fence keeps its lines exactly (shown in
// the monospace font). Inline markup (`code`, *emphasis*) is left as written: it stays readable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct ImFont;

namespace as::viz {

struct TextBlock {
  enum class Kind { Paragraph, ListItem, Code };
  Kind kind = Kind::Paragraph;
  std::string text;    // Paragraph/ListItem: one reflowed line; Code: the fenced lines
  std::string marker;  // ListItem: "-" for bullets, "1." etc. for numbered items
};

std::vector<TextBlock> markdown_blocks(std::string_view markdown);

// draw_markdown draws blocks wrapped to the current content width; code in `mono` (null: the
// current font).
void draw_markdown(const std::vector<TextBlock>& blocks, ImFont* mono);

}  // namespace as::viz
