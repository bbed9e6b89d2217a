// The thin SDL view: draws a Scene with SDL_Renderer and SDL_ttf, and turns
// SDL touch and mouse events into model calls. No decisions are made here.
#pragma once

#include <SDL.h>
#include <SDL_ttf.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"
#include "hmi/model.h"
#include "hmi/scene.h"

namespace anpr::hmi {

struct ViewOptions {
  int width_px = 800;
  int height_px = 480;
  std::string title = "ANPR";
  bool fullscreen = false;
  // Software rendering works everywhere (dummy driver, no GPU) and lets tests
  // read pixels back; the car's panel may use the accelerated renderer.
  bool software = true;
  bool vsync = false;
  std::string font_path;       // empty: the build's ANPR_FONT_PATH
  std::string bold_font_path;  // empty: ANPR_FONT_BOLD_PATH
  std::string mono_font_path;  // empty: DejaVuSansMono-Bold.ttf beside the bold font
};

// A touch or mouse event in window pixels.
struct PointerEvent {
  enum class Kind { kDown, kMove, kUp } kind;
  int x = 0, y = 0;
  uint32_t timestamp_ms = 0;  // SDL's event timestamp
};
// Finger events (normalised 0-1 coordinates) and left-button mouse events both
// become PointerEvents; a mouse event SDL synthesised from a touch is ignored
// so a tap is not counted twice. Other events: nullopt.
std::optional<PointerEvent> TranslateEvent(const SDL_Event& e, int width_px, int height_px);

class SdlView {
 public:
  // SDL video must be initialised (InitSdlVideo). Opens the window, renderer
  // and fonts; an error names what was missing.
  static Result<std::unique_ptr<SdlView>> Create(const ViewOptions& options);
  ~SdlView();
  SdlView(const SdlView&) = delete;
  SdlView& operator=(const SdlView&) = delete;

  // Draws the scene into the back buffer (not yet shown).
  void Draw(const Scene& scene);
  // Shows what Draw drew.
  void Present();
  // The back buffer as a BGR image: call after Draw and before Present.
  cv::Mat ReadPixels();

  // Feeds pending SDL events to the model. Returns false when the window was
  // closed (SDL_QUIT). `last_pointer_ms` (optional) receives the SDL timestamp
  // of the last pointer event handled, for latency measurement.
  bool PumpEvents(HmiModel* model, uint32_t* last_pointer_ms = nullptr);

  int width() const { return width_; }
  int height() const { return height_; }
  SDL_Window* window() const { return window_; }
  SDL_Renderer* renderer() const { return renderer_; }
  // How Draw lays out an element's text: the font size it is drawn at (the
  // element's, or the largest smaller one whose line fits the box: glyphs are
  // rendered at that size, never scaled, so no stroke is lost), the drawn
  // width and height, and the height of its capitals.
  struct TextFit {
    int font_px = 0;
    int w = 0, h = 0;
    int cap_px = 0;
  };
  TextFit FitText(const Element& e);
  // Renders text exactly as Draw does (tests compare it with screenshots).
  SDL_Surface* RenderTextSurface(const std::string& text, int font_px, bool bold, bool mono,
                                 Colour colour);

 private:
  SdlView() = default;
  TTF_Font* Font(int px, bool bold, bool mono);
  SDL_Texture* TextTexture(const std::string& text, int px, bool bold, bool mono, Colour c, int wrap_w,
                           int* w, int* h);
  SDL_Texture* ImageTexture(const std::shared_ptr<const cv::Mat>& image);
  void DrawSymbol(Symbol s, const Rect& r, Colour c, Colour bg);
  // Strikes each '0' of a line of fixed-width text drawn at `dst` (rendered
  // `tw` wide) with a slash, so 0 and O differ at a glance.
  void SlashZeros(const std::string& text, int px, bool bold, const SDL_Rect& dst, int tw, Colour c);
  void FillRect(const Rect& r, Colour c);
  static int TextPad(const Element& e);
  void EndFrameCaches();

  ViewOptions options_;
  SDL_Window* window_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  int width_ = 0, height_ = 0;
  std::map<std::tuple<int, bool, bool>, TTF_Font*> fonts_;
  struct CachedTexture {
    SDL_Texture* texture = nullptr;
    int w = 0, h = 0;
    bool used = false;
  };
  // Text textures live while used in consecutive frames; dropped otherwise.
  std::map<std::string, CachedTexture> text_cache_;
  struct CachedImage {
    std::shared_ptr<const cv::Mat> image;  // holds the pointer key alive
    SDL_Texture* texture = nullptr;
    bool used = false;
  };
  std::map<const cv::Mat*, CachedImage> image_cache_;
  bool ttf_inited_ = false;
};

}  // namespace anpr::hmi
