// viz/app/markdown_text.cpp — see markdown_text.hpp.
#include "viz/app/markdown_text.hpp"

#include <imgui.h>

#include <cctype>

namespace as::viz {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// list_marker returns the length of a list item's marker and the space after it ("- ", "* ",
// "12. "), or 0 if the (trimmed) line does not start a list item.
size_t list_marker(std::string_view line, std::string* marker) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
    *marker = "-";
    return 2;
  }
  size_t digits = 0;
  while (digits < line.size() && digits < 3 &&
         std::isdigit(static_cast<unsigned char>(line[digits])))
    ++digits;
  if (digits > 0 && digits + 1 < line.size() && line[digits] == '.' && line[digits + 1] == ' ') {
    *marker = std::string(line.substr(0, digits + 1));
    return digits + 2;
  }
  return 0;
}

void append_words(std::string& to, std::string_view words) {
  if (words.empty()) return;
  if (!to.empty()) to += ' ';
  to += words;
}

}  // namespace

std::vector<TextBlock> markdown_blocks(std::string_view markdown) {
  std::vector<TextBlock> blocks;
  bool open = false;     // the last block is a paragraph or list item still taking lines
  bool in_code = false;  // inside a ``` fence
  size_t pos = 0;
  while (pos <= markdown.size()) {
    const size_t nl = markdown.find('\n', pos);
    std::string_view raw =
        markdown.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const std::string_view line = trim(raw);
    if (line.substr(0, 3) == "```") {
      if (!in_code) blocks.push_back({TextBlock::Kind::Code, {}, {}});
      in_code = !in_code;
      open = false;
    } else if (in_code) {
      std::string& code = blocks.back().text;
      if (!code.empty()) code += '\n';
      code += raw;
    } else if (line.empty()) {
      open = false;
    } else if (std::string marker; size_t skip = list_marker(line, &marker)) {
      blocks.push_back({TextBlock::Kind::ListItem, std::string(trim(line.substr(skip))), marker});
      open = true;
    } else if (open) {
      append_words(blocks.back().text, line);
    } else {
      blocks.push_back({TextBlock::Kind::Paragraph, std::string(line), {}});
      open = true;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return blocks;
}

void draw_markdown(const std::vector<TextBlock>& blocks, ImFont* mono) {
  bool first = true;
  for (const TextBlock& b : blocks) {
    // A little air between paragraphs; list items of one list stay close together.
    if (!first && b.kind != TextBlock::Kind::ListItem) ImGui::Spacing();
    first = false;
    switch (b.kind) {
      case TextBlock::Kind::Paragraph:
        ImGui::TextWrapped("%s", b.text.c_str());
        break;
      case TextBlock::Kind::ListItem:
        if (b.marker == "-") {
          ImGui::Bullet();
        } else {
          ImGui::TextUnformatted(b.marker.c_str());
          ImGui::SameLine();
        }
        ImGui::TextWrapped("%s", b.text.c_str());
        break;
      case TextBlock::Kind::Code:
        if (mono) ImGui::PushFont(mono);
        ImGui::TextUnformatted(b.text.c_str());
        if (mono) ImGui::PopFont();
        break;
    }
  }
}

}  // namespace as::viz
