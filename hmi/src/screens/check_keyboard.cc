// The on-screen keyboard: the Check screen's VRM and its "new wanted" entry's
// reason, and the Shift screen's corrected VRM.
#include "hmi/model.h"

namespace anpr::hmi {

void HmiModel::BuildCheckKeyboard(Scene* s) const {
  if (wanted_.open && !wanted_.typing) return;  // the priority and days instead
  AddKeyboard(s, wanted_.open ? WantedRect() : ContentRect(), wanted_.open ? "wanted." : "check.", wanted_.open);
}

// Digits, then QWERTY rows, at the bottom of `c`.
void HmiModel::AddKeyboard(Scene* s, const Rect& c, const std::string& prefix, bool space) const {
  const int gap = Px(4);  // four rows of 64 px keys and two rows above them fit below the status bar
  const int key_h = Px(kMinTargetDesignPx);
  const int kb_h = 4 * key_h + 3 * gap;
  const std::vector<std::string> rows = {"1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"};
  const int kw = (c.w - 11 * gap) / 10;
  int ky = c.y + c.h - gap - kb_h;
  for (size_t r = 0; r < rows.size(); ++r) {
    int kx = gap + (r == 2 ? kw / 2 : 0);
    for (char ch : rows[r]) {
      AddButton(s, {kx, ky, kw, key_h}, std::string(1, ch), prefix + "key." + ch, TypingAllowed(), Px(34));
      kx += kw + gap;
    }
    if (r == 3) {
      if (space) {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "SPACE", prefix + "space", TypingAllowed());
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "DEL", prefix + "del", TypingAllowed());
      } else {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "DEL", prefix + "del", TypingAllowed());
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "CLEAR", prefix + "clear", TypingAllowed());
      }
    }
    ky += key_h + gap;
  }
}

}  // namespace anpr::hmi
