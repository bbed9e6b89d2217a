// The Login screen (also the lock screen): officer number and PIN fields,
// the keypad, and a banner for hits waiting with SILENCE.
#include "hmi/model.h"

#include <algorithm>

namespace anpr::hmi {

void HmiModel::BuildLogin(Scene* s) const {
  const Theme& t = theme();
  const int top = StatusBarHeight();
  const int left_w = width_px_ - Px(386);
  Element title;
  title.rect = {Px(20), top + Px(6), left_w - Px(40), Px(44)};
  title.text = officer_.empty() && message_ == "Locked after inactivity" ? "Locked" : "Officer log in";
  title.text_colour = t.text;
  title.font_px = Px(32);
  title.bold = true;
  title.align = Align::kLeft;
  title.id = "login.title";
  s->elements.push_back(title);

  auto field = [&](int y, const std::string& label, const std::string& value, bool active,
                   const std::string& action) {
    Element l;
    l.rect = {Px(20), y, left_w - Px(40), Px(34)};
    l.text = label;
    l.text_colour = t.muted_text;
    l.font_px = TextPx();
    l.align = Align::kLeft;
    s->elements.push_back(l);
    Element f;
    f.rect = {Px(20), y + Px(34), std::min(left_w - Px(40), Px(320)), Px(kMinTargetDesignPx)};
    f.fill = t.panel;
    f.border = active ? t.accent : t.muted_text;
    f.border_px = active ? Px(4) : Px(2);
    f.text = value.empty() ? " " : value;
    f.text_colour = t.text;
    f.font_px = Px(32);
    f.mono = true;
    f.bold = true;
    f.align = Align::kLeft;
    f.action = action;
    f.id = action;
    s->elements.push_back(f);
  };
  field(top + Px(52), "Officer number", login_officer_, !login_pin_field_, "login.field.officer");
  field(top + Px(146), "PIN", std::string(login_pin_.size(), '*'), login_pin_field_, "login.field.pin");

  Element msg;
  msg.rect = {Px(20), top + Px(248), left_w - Px(40), Px(40)};
  msg.text = !TypingAllowed() ? "Stop the car to log in" : message_;
  msg.text_colour = t.fault;
  msg.font_px = TextPx();
  msg.bold = true;
  msg.align = Align::kLeft;
  msg.id = "login.message";
  if (!msg.text.empty()) s->elements.push_back(msg);

  // Waiting hits: shown (priority and count only, no personal data) so the
  // officer knows to log in; the alarm can be silenced without logging in.
  if (!hits_.empty()) {
    const Priority p = hits_.front().hit.priority;
    Element b;
    b.rect = {Px(20), height_px_ - Px(144), left_w - Px(40), Px(132)};
    b.fill = PriorityColour(t, p);
    s->elements.push_back(b);
    Element sym;
    sym.rect = {b.rect.x + Px(10), b.rect.y + Px(10), Px(56), Px(56)};
    sym.fill = b.fill;  // the mark inside the symbol takes the banner's colour
    sym.symbol = PrioritySymbol(p);
    sym.symbol_colour = PriorityTextColour(t, p);
    s->elements.push_back(sym);
    Element txt;
    txt.rect = {b.rect.x + Px(76), b.rect.y + Px(8), b.rect.w - Px(86), Px(48)};
    txt.text = std::to_string(hits_.size()) + (hits_.size() == 1 ? " HIT WAITING" : " HITS WAITING");
    txt.text_colour = PriorityTextColour(t, p);
    txt.font_px = TextPx();
    txt.bold = true;
    txt.align = Align::kLeft;
    txt.id = "login.hits";
    s->elements.push_back(txt);
    const bool alarm = std::any_of(hits_.begin(), hits_.end(), [](const PendingHit& h) {
      return h.hit.priority == Priority::kHigh && !h.acknowledged;
    });
    if (alarm)
      AddButton(s, {b.rect.x + b.rect.w - Px(180), b.rect.y + b.rect.h - Px(72), Px(172), Px(kMinTargetDesignPx)},
                "SILENCE", "login.silence");
  }

  // Keypad.
  const int key_w = Px(112), key_h = Px(76), gap = Px(8);
  const int kx = width_px_ - Px(20) - 3 * key_w - 2 * gap;
  const int ky = top + Px(16);
  const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "DEL", "0", "OK"};
  for (int i = 0; i < 12; ++i) {
    const Rect r{kx + (i % 3) * (key_w + gap), ky + (i / 3) * (key_h + gap), key_w, key_h};
    std::string k = keys[i];
    std::string action = k == "DEL" ? "login.del" : k == "OK" ? "login.ok" : "login.key." + k;
    std::string label = k == "OK" ? (login_pin_field_ ? "LOG IN" : "NEXT") : k;
    AddButton(s, r, label, action, TypingAllowed(), k.size() == 1 ? Px(34) : TextPx());
  }
}

}  // namespace anpr::hmi
