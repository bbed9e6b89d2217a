#include "hmi/view.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <vector>

namespace anpr::hmi {
namespace {

SDL_Color ToSdl(Colour c) { return SDL_Color{c.r, c.g, c.b, c.a}; }

SDL_Rect ToSdl(const Rect& r) { return SDL_Rect{r.x, r.y, r.w, r.h}; }

Rect Intersect(const Rect& a, const Rect& b) {
  const int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  const int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

}  // namespace

std::optional<PointerEvent> TranslateEvent(const SDL_Event& e, int width_px, int height_px) {
  PointerEvent p{};
  switch (e.type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
      p.kind = e.type == SDL_FINGERDOWN ? PointerEvent::Kind::kDown
               : e.type == SDL_FINGERUP ? PointerEvent::Kind::kUp
                                        : PointerEvent::Kind::kMove;
      p.x = static_cast<int>(std::lround(e.tfinger.x * width_px));
      p.y = static_cast<int>(std::lround(e.tfinger.y * height_px));
      p.timestamp_ms = e.tfinger.timestamp;
      return p;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      if (e.button.which == SDL_TOUCH_MOUSEID || e.button.button != SDL_BUTTON_LEFT) return std::nullopt;
      p.kind = e.type == SDL_MOUSEBUTTONDOWN ? PointerEvent::Kind::kDown : PointerEvent::Kind::kUp;
      p.x = e.button.x;
      p.y = e.button.y;
      p.timestamp_ms = e.button.timestamp;
      return p;
    case SDL_MOUSEMOTION:
      if (e.motion.which == SDL_TOUCH_MOUSEID || !(e.motion.state & SDL_BUTTON_LMASK)) return std::nullopt;
      p.kind = PointerEvent::Kind::kMove;
      p.x = e.motion.x;
      p.y = e.motion.y;
      p.timestamp_ms = e.motion.timestamp;
      return p;
    default:
      return std::nullopt;
  }
}

Result<std::unique_ptr<SdlView>> SdlView::Create(const ViewOptions& options) {
  std::unique_ptr<SdlView> v(new SdlView());
  v->options_ = options;
  if (v->options_.font_path.empty()) v->options_.font_path = ANPR_FONT_PATH;
  if (v->options_.bold_font_path.empty()) v->options_.bold_font_path = ANPR_FONT_BOLD_PATH;
  if (v->options_.mono_font_path.empty()) {
    const auto mono = std::filesystem::path(v->options_.bold_font_path).parent_path() / "DejaVuSansMono-Bold.ttf";
    v->options_.mono_font_path = std::filesystem::exists(mono) ? mono.string() : v->options_.bold_font_path;
  }
  // Touches arrive as finger events; do not also synthesise mouse events.
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
  if (TTF_Init() != 0) return Unavailable(std::string("SDL_ttf: ") + TTF_GetError());
  v->ttf_inited_ = true;
  for (const std::string* path : {&v->options_.font_path, &v->options_.bold_font_path, &v->options_.mono_font_path}) {
    TTF_Font* f = TTF_OpenFont(path->c_str(), 12);
    if (!f) return NotFound("font " + *path + ": " + TTF_GetError() + " (install fonts-dejavu-core)");
    TTF_CloseFont(f);
  }
  Uint32 flags = SDL_WINDOW_SHOWN;
  if (options.fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  v->window_ = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                options.width_px, options.height_px, flags);
  if (!v->window_) return Unavailable(std::string("SDL window: ") + SDL_GetError());
  Uint32 rflags = options.software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;
  if (options.vsync) rflags |= SDL_RENDERER_PRESENTVSYNC;
  v->renderer_ = SDL_CreateRenderer(v->window_, -1, rflags);
  if (!v->renderer_ && !options.software)
    v->renderer_ = SDL_CreateRenderer(v->window_, -1, SDL_RENDERER_SOFTWARE);
  if (!v->renderer_) return Unavailable(std::string("SDL renderer: ") + SDL_GetError());
  SDL_SetRenderDrawBlendMode(v->renderer_, SDL_BLENDMODE_BLEND);
  SDL_GetRendererOutputSize(v->renderer_, &v->width_, &v->height_);
  return v;
}

SdlView::~SdlView() {
  for (auto& [k, t] : text_cache_) SDL_DestroyTexture(t.texture);
  for (auto& [k, t] : image_cache_) SDL_DestroyTexture(t.texture);
  for (auto& [k, f] : fonts_) TTF_CloseFont(f);
  if (renderer_) SDL_DestroyRenderer(renderer_);
  if (window_) SDL_DestroyWindow(window_);
  if (ttf_inited_) TTF_Quit();
}

TTF_Font* SdlView::Font(int px, bool bold, bool mono) {
  const auto key = std::make_tuple(px, bold, mono);
  auto it = fonts_.find(key);
  if (it != fonts_.end()) return it->second;
  const std::string& path = mono ? options_.mono_font_path : bold ? options_.bold_font_path : options_.font_path;
  // TTF sizes are in points at 72 dpi = pixels of the em box; cap height is
  // about 0.73 em, so ask for a size whose line height is close to px.
  TTF_Font* f = TTF_OpenFont(path.c_str(), std::max(6, px * 86 / 100));
  fonts_[key] = f;
  return f;
}

SDL_Surface* SdlView::RenderTextSurface(const std::string& text, int font_px, bool bold, bool mono, Colour colour) {
  TTF_Font* f = Font(font_px, bold, mono);
  if (!f || text.empty()) return nullptr;
  return TTF_RenderUTF8_Blended(f, text.c_str(), ToSdl(colour));
}

SDL_Texture* SdlView::TextTexture(const std::string& text, int px, bool bold, bool mono, Colour c, int wrap_w,
                                  int* w, int* h) {
  std::string key = text;
  key += '\x1f' + std::to_string(px) + (bold ? "b" : "") + (mono ? "m" : "") + std::to_string(c.r) + "," +
         std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(c.a) + "/" + std::to_string(wrap_w);
  auto it = text_cache_.find(key);
  if (it == text_cache_.end()) {
    TTF_Font* f = Font(px, bold, mono);
    if (!f) return nullptr;
    SDL_Surface* surf = wrap_w > 0 ? TTF_RenderUTF8_Blended_Wrapped(f, text.c_str(), ToSdl(c), static_cast<Uint32>(wrap_w))
                                   : TTF_RenderUTF8_Blended(f, text.c_str(), ToSdl(c));
    if (!surf) return nullptr;
    CachedTexture ct;
    ct.texture = SDL_CreateTextureFromSurface(renderer_, surf);
    ct.w = surf->w;
    ct.h = surf->h;
    SDL_FreeSurface(surf);
    if (!ct.texture) return nullptr;
    it = text_cache_.emplace(std::move(key), ct).first;
  }
  it->second.used = true;
  *w = it->second.w;
  *h = it->second.h;
  return it->second.texture;
}

SDL_Texture* SdlView::ImageTexture(const std::shared_ptr<const cv::Mat>& image) {
  auto it = image_cache_.find(image.get());
  if (it == image_cache_.end()) {
    const cv::Mat& m = *image;
    if (m.empty() || m.type() != CV_8UC3) return nullptr;
    SDL_Texture* t = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_BGR24, SDL_TEXTUREACCESS_STATIC, m.cols, m.rows);
    if (!t) return nullptr;
    SDL_UpdateTexture(t, nullptr, m.data, static_cast<int>(m.step));
    it = image_cache_.emplace(image.get(), CachedImage{image, t, false}).first;
  }
  it->second.used = true;
  return it->second.texture;
}

void SdlView::FillRect(const Rect& r, Colour c) {
  if (c.a == 0 || r.w <= 0 || r.h <= 0) return;
  // Opaque fills skip blending: the software renderer would otherwise blend
  // every pixel even at full alpha, which costs most of a frame at 1280x800.
  SDL_SetRenderDrawBlendMode(renderer_, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
  const SDL_Rect sr = ToSdl(r);
  SDL_RenderFillRect(renderer_, &sr);
}

void SdlView::DrawSymbol(Symbol s, const Rect& r, Colour c, Colour bg) {
  if (s == Symbol::kNone) return;
  const SDL_Color col = ToSdl(c);
  std::vector<SDL_Vertex> v;
  auto tri = [&](float x0, float y0, float x1, float y1, float x2, float y2) {
    v.push_back({{x0, y0}, col, {0, 0}});
    v.push_back({{x1, y1}, col, {0, 0}});
    v.push_back({{x2, y2}, col, {0, 0}});
  };
  const float x = float(r.x), y = float(r.y), w = float(r.w), h = float(r.h);
  const float cx = x + w / 2, cy = y + h / 2;
  const char* mark = "!";
  float mark_cy = cy;
  switch (s) {
    case Symbol::kTriangle:
      tri(cx, y, x + w, y + h, x, y + h);
      mark_cy = y + h * 0.62f;
      break;
    case Symbol::kDiamond:
      tri(cx, y, x + w, cy, cx, y + h);
      tri(cx, y, cx, y + h, x, cy);
      break;
    case Symbol::kCircle: {
      constexpr int kSegments = 40;
      for (int i = 0; i < kSegments; ++i) {
        const double a0 = 2 * std::numbers::pi * i / kSegments, a1 = 2 * std::numbers::pi * (i + 1) / kSegments;
        tri(cx, cy, cx + float(w / 2 * std::cos(a0)), cy + float(h / 2 * std::sin(a0)),
            cx + float(w / 2 * std::cos(a1)), cy + float(h / 2 * std::sin(a1)));
      }
      mark = "i";
      break;
    }
    case Symbol::kCrosshair: {
      // A ring a sixth of the size thick, and a cross from edge to edge.
      constexpr int kSegments = 40;
      const float ro = std::min(w, h) / 2 * 0.8f, ri = ro * 0.72f, t = std::min(w, h) / 16;
      for (int i = 0; i < kSegments; ++i) {
        const double a0 = 2 * std::numbers::pi * i / kSegments, a1 = 2 * std::numbers::pi * (i + 1) / kSegments;
        const float c0 = float(std::cos(a0)), s0 = float(std::sin(a0)), c1 = float(std::cos(a1)), s1 = float(std::sin(a1));
        tri(cx + ro * c0, cy + ro * s0, cx + ro * c1, cy + ro * s1, cx + ri * c1, cy + ri * s1);
        tri(cx + ro * c0, cy + ro * s0, cx + ri * c1, cy + ri * s1, cx + ri * c0, cy + ri * s0);
      }
      tri(x, cy - t, x + w, cy - t, x + w, cy + t);
      tri(x, cy - t, x + w, cy + t, x, cy + t);
      tri(cx - t, y, cx + t, y, cx + t, y + h);
      tri(cx - t, y, cx + t, y + h, cx - t, y + h);
      mark = nullptr;
      break;
    }
    case Symbol::kBurst: {
      // Eight points around, each a triangle from the centre.
      constexpr int kPoints = 8;
      const float ro = std::min(w, h) / 2, ri = ro * 0.45f;
      for (int i = 0; i < 2 * kPoints; ++i) {
        const double a0 = std::numbers::pi * i / kPoints, a1 = std::numbers::pi * (i + 1) / kPoints;
        const float r0 = i % 2 ? ri : ro, r1 = i % 2 ? ro : ri;
        tri(cx, cy, cx + r0 * float(std::cos(a0)), cy + r0 * float(std::sin(a0)), cx + r1 * float(std::cos(a1)),
            cy + r1 * float(std::sin(a1)));
      }
      mark = nullptr;
      break;
    }
    case Symbol::kWarning:
      tri(cx, y, x + w, y + h, x, y + h);
      mark_cy = y + h * 0.62f;
      break;
    case Symbol::kNone: return;
  }
  SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), nullptr, 0);
  if (!mark) return;
  int tw = 0, th = 0;
  const int font_px = std::max(8, r.h * (s == Symbol::kTriangle || s == Symbol::kWarning ? 55 : 62) / 100);
  if (SDL_Texture* t = TextTexture(mark, font_px, true, false, bg, 0, &tw, &th)) {
    const SDL_Rect dst{int(cx) - tw / 2, int(mark_cy) - th / 2, tw, th};
    SDL_RenderCopy(renderer_, t, nullptr, &dst);
  }
}

// Space kept between text and its box's sides; it depends only on the text
// size, so lines of one size align.
int SdlView::TextPad(const Element& e) { return std::clamp(e.font_px / 3, 3, 12); }

SdlView::TextFit SdlView::FitText(const Element& e) {
  TextFit fit;
  if (e.font_px <= 0 || e.text.empty()) return fit;
  const int pad = TextPad(e);
  const int avail = e.align == Align::kCentre && !e.wrap ? e.rect.w - 4 : e.rect.w - 2 * pad;
  for (int px = e.font_px; px >= 6; --px) {
    TTF_Font* f = Font(px, e.bold, e.mono);
    if (!f) return fit;
    fit.font_px = px;
    if (e.wrap) {
      SDL_Surface* surf = TTF_RenderUTF8_Blended_Wrapped(f, e.text.c_str(), SDL_Color{0, 0, 0, 255},
                                                        static_cast<Uint32>(std::max(1, avail)));
      if (surf) {
        fit.w = surf->w;
        fit.h = surf->h;
        SDL_FreeSurface(surf);
      }
      break;  // wrapped text keeps its size; a box too short for it is a layout fault
    }
    if (TTF_SizeUTF8(f, e.text.c_str(), &fit.w, &fit.h) != 0 || fit.w <= avail || avail <= 0) break;
  }
  int minx = 0, maxx = 0, miny = 0, maxy = 0, advance = 0;
  if (TTF_Font* f = Font(fit.font_px, e.bold, e.mono); f && TTF_GlyphMetrics(f, 'H', &minx, &maxx, &miny, &maxy, &advance) == 0)
    fit.cap_px = maxy - miny;
  return fit;
}

// DejaVu Sans Mono's zero has only a small dot, a pixel or two at screen sizes;
// a VRM must not leave the officer guessing which one was read.
void SdlView::SlashZeros(const std::string& text, int px, bool bold, const SDL_Rect& dst, int tw, Colour c) {
  if (text.find('0') == std::string::npos || tw <= 0) return;
  TTF_Font* f = Font(px, bold, true);
  int minx = 0, maxx = 0, miny = 0, maxy = 0, advance = 0;
  if (!f || TTF_GlyphMetrics(f, '0', &minx, &maxx, &miny, &maxy, &advance) != 0) return;
  const double scale = double(dst.w) / tw;  // 1: text is never scaled
  const float baseline = float(dst.y + TTF_FontAscent(f) * scale);
  const float stroke = std::max(2.0f, float((maxx - minx) * scale / 5));
  const SDL_Color col = ToSdl(c);
  std::vector<SDL_Vertex> v;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '0') continue;
    int prefix_w = 0;
    if (TTF_SizeUTF8(f, text.substr(0, i).c_str(), &prefix_w, nullptr) != 0) continue;
    const float gx = float(dst.x + (prefix_w + minx) * scale), gw = float((maxx - minx) * scale);
    const float top = baseline - float(maxy * scale), bottom = baseline - float(miny * scale);
    // From low left to high right, inside the oval.
    const float x0 = gx + gw * 0.22f, y0 = bottom - (bottom - top) * 0.18f;
    const float x1 = gx + gw * 0.78f, y1 = top + (bottom - top) * 0.18f;
    const float dx = x1 - x0, dy = y1 - y0, len = std::sqrt(dx * dx + dy * dy);
    const float nx = -dy / len * stroke / 2, ny = dx / len * stroke / 2;
    const SDL_Vertex a{{x0 + nx, y0 + ny}, col, {0, 0}}, b{{x1 + nx, y1 + ny}, col, {0, 0}};
    const SDL_Vertex cc{{x1 - nx, y1 - ny}, col, {0, 0}}, d{{x0 - nx, y0 - ny}, col, {0, 0}};
    for (const SDL_Vertex& p : {a, b, cc, a, cc, d}) v.push_back(p);
  }
  if (!v.empty()) SDL_RenderGeometry(renderer_, nullptr, v.data(), static_cast<int>(v.size()), nullptr, 0);
}

void SdlView::Draw(const Scene& scene) {
  SDL_RenderSetClipRect(renderer_, nullptr);
  SDL_SetRenderDrawColor(renderer_, scene.background.r, scene.background.g, scene.background.b, 255);
  SDL_RenderClear(renderer_);
  for (const Element& e : scene.elements) {
    Rect clip = e.clip.w > 0 ? e.clip : Rect{0, 0, width_, height_};
    if (e.wrap) clip = Intersect(clip, e.rect);
    const SDL_Rect sclip = ToSdl(clip);
    SDL_RenderSetClipRect(renderer_, &sclip);

    FillRect(e.rect, e.fill);
    if (e.border.a != 0 && e.border_px > 0) {
      const int b = e.border_px;
      FillRect({e.rect.x, e.rect.y, e.rect.w, b}, e.border);
      FillRect({e.rect.x, e.rect.y + e.rect.h - b, e.rect.w, b}, e.border);
      FillRect({e.rect.x, e.rect.y, b, e.rect.h}, e.border);
      FillRect({e.rect.x + e.rect.w - b, e.rect.y, b, e.rect.h}, e.border);
    }
    if (e.image && !e.image->empty()) {
      if (SDL_Texture* t = ImageTexture(e.image)) {
        const double s = std::min(double(e.rect.w) / e.image->cols, double(e.rect.h) / e.image->rows);
        const int iw = int(e.image->cols * s), ih = int(e.image->rows * s);
        const SDL_Rect dst{e.rect.x + (e.rect.w - iw) / 2, e.rect.y + (e.rect.h - ih) / 2, iw, ih};
        SDL_RenderCopy(renderer_, t, nullptr, &dst);
      }
    }
    const Colour bg = e.fill.a ? e.fill : scene.background;
    DrawSymbol(e.symbol, e.rect, e.symbol_colour, bg);
    if (e.font_px > 0 && !e.text.empty()) {
      const int pad = TextPad(e);
      const TextFit fit = FitText(e);
      int tw = 0, th = 0;
      SDL_Texture* t = TextTexture(e.text, fit.font_px, e.bold, e.mono, e.text_colour,
                                   e.wrap ? std::max(1, e.rect.w - 2 * pad) : 0, &tw, &th);
      if (t) {
        int x = e.rect.x + pad;
        if (e.align == Align::kCentre) x = e.rect.x + (e.rect.w - tw) / 2;
        if (e.align == Align::kRight) x = e.rect.x + e.rect.w - pad - tw;
        const int y = e.wrap ? e.rect.y + pad / 2 : e.rect.y + (e.rect.h - th) / 2;
        const SDL_Rect dst{x, y, tw, th};
        SDL_RenderCopy(renderer_, t, nullptr, &dst);
        if (e.mono && !e.wrap) SlashZeros(e.text, fit.font_px, e.bold, dst, tw, e.text_colour);
      }
    }
  }
  SDL_RenderSetClipRect(renderer_, nullptr);
  EndFrameCaches();
}

void SdlView::EndFrameCaches() {
  for (auto it = text_cache_.begin(); it != text_cache_.end();) {
    if (!it->second.used) {
      SDL_DestroyTexture(it->second.texture);
      it = text_cache_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
  for (auto it = image_cache_.begin(); it != image_cache_.end();) {
    if (!it->second.used) {
      SDL_DestroyTexture(it->second.texture);
      it = image_cache_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

void SdlView::Present() { SDL_RenderPresent(renderer_); }

cv::Mat SdlView::ReadPixels() {
  cv::Mat m(height_, width_, CV_8UC3);
  if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_BGR24, m.data, static_cast<int>(m.step)) != 0)
    return {};
  return m;
}

bool SdlView::PumpEvents(HmiModel* model, uint32_t* last_pointer_ms) {
  SDL_Event e;
  bool keep_running = true;
  while (SDL_PollEvent(&e)) {
    if (e.type == SDL_QUIT) keep_running = false;
    if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
      SDL_GetRendererOutputSize(renderer_, &width_, &height_);
      model->Resize(width_, height_);
    }
    const auto p = TranslateEvent(e, width_, height_);
    if (!p) continue;
    if (last_pointer_ms) *last_pointer_ms = p->timestamp_ms;
    switch (p->kind) {
      case PointerEvent::Kind::kDown: model->PointerDown(p->x, p->y); break;
      case PointerEvent::Kind::kMove: model->PointerMove(p->x, p->y); break;
      case PointerEvent::Kind::kUp: model->PointerUp(p->x, p->y); break;
    }
  }
  return keep_running;
}

}  // namespace anpr::hmi
