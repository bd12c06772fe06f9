// viz/app/screenshot.cpp — see screenshot.hpp.
#include "viz/app/screenshot.hpp"

#include <glad/gl.h>
#include <stb/stb_image_write.h>

#include <cstring>
#include <unordered_map>

namespace as::viz {

OffscreenTarget::~OffscreenTarget() {
  release();
}

void OffscreenTarget::release() {
  if (colour_ != 0) glDeleteRenderbuffers(1, &colour_);
  if (fbo_ != 0) glDeleteFramebuffers(1, &fbo_);
  colour_ = fbo_ = 0;
  width_ = height_ = 0;
}

bool OffscreenTarget::bind(int width, int height) {
  if (width <= 0 || height <= 0) return false;
  if (fbo_ == 0 || width != width_ || height != height_) {
    release();
    GLint max_size = 0;
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
    if (width > max_size || height > max_size) return false;
    glGenFramebuffers(1, &fbo_);
    glGenRenderbuffers(1, &colour_);
    glBindRenderbuffer(GL_RENDERBUFFER, colour_);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour_);
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      glBindFramebuffer(GL_FRAMEBUFFER, 0);
      release();
      return false;
    }
    width_ = width;
    height_ = height;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, width_, height_);
  return true;
}

void OffscreenTarget::unbind() {
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

Image OffscreenTarget::read() const {
  Image img;
  if (fbo_ == 0) return img;
  img.width = width_;
  img.height = height_;
  img.rgba.resize(static_cast<size_t>(width_) * height_ * 4);
  glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo_);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, img.rgba.data());
  glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
  // GL rows start at the bottom; PNG rows at the top.
  const size_t row = static_cast<size_t>(width_) * 4;
  std::vector<uint8_t> tmp(row);
  for (int y = 0; y < height_ / 2; ++y) {
    uint8_t* a = img.rgba.data() + y * row;
    uint8_t* b = img.rgba.data() + (height_ - 1 - y) * row;
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
  for (size_t i = 3; i < img.rgba.size(); i += 4) img.rgba[i] = 255;  // opaque PNGs
  return img;
}

std::string write_png(const std::string& path, const Image& image) {
  if (image.width <= 0 || image.height <= 0) return "nothing was rendered";
  if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(),
                      image.width * 4))
    return "cannot write " + path;
  return "";
}

PixelStats pixel_stats(const Image& image) {
  PixelStats stats;
  const size_t n = static_cast<size_t>(image.width) * image.height;
  if (n == 0) return stats;
  std::unordered_map<uint32_t, size_t> counts;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = &image.rgba[i * 4];
    const uint32_t rgb = uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
    if (counts.size() < 4096 || counts.count(rgb)) ++counts[rgb];
  }
  size_t most = 0;
  for (const auto& [colour, count] : counts) most = std::max(most, count);
  stats.distinct_colours = static_cast<int>(counts.size());
  stats.non_background_fraction = 1.0 - static_cast<double>(most) / static_cast<double>(n);
  return stats;
}

}  // namespace as::viz
