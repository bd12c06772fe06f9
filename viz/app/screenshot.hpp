// viz/app/screenshot.hpp — rendering the UI into an offscreen image and writing it as PNG.
//
// Owns: an OpenGL framebuffer object (colour renderbuffer of the requested size). Screenshots are
// drawn into this FBO rather than read from the window, because the contents of a hidden or
// partly covered window's back buffer are undefined (pixel ownership test). Rows are flipped
// (GL's origin is bottom-left) and written with stb_image_write.
// Also: pixel statistics used by the GUI smoke test to assert an image is not blank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace as::viz {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // top row first
};

// OffscreenTarget: bind() before rendering a frame, read() after; needs a current GL context.
class OffscreenTarget {
 public:
  OffscreenTarget() = default;
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;
  // bind creates (or resizes) the target and binds it for drawing; false if GL refuses.
  bool bind(int width, int height);
  static void unbind();
  Image read() const;

 private:
  void release();
  unsigned fbo_ = 0, colour_ = 0;
  int width_ = 0, height_ = 0;
};

// write_png writes an image; returns "" on success or the error text.
std::string write_png(const std::string& path, const Image& image);

struct PixelStats {
  int distinct_colours = 0;            // distinct RGB values (capped at 4096)
  double non_background_fraction = 0;  // pixels differing from the most common colour
};
PixelStats pixel_stats(const Image& image);

}  // namespace as::viz
