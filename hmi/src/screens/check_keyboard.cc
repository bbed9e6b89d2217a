// The on-screen keyboard of the Check screen, shared by its "new wanted"
// entry step.
#include "hmi/model.h"

namespace anpr::hmi {

// Digits, then QWERTY rows. The last row ends in DEL and CLEAR for the VRM,
// or SPACE and DEL while the keyboard types a wanted entry's reason.
void HmiModel::BuildCheckKeyboard(Scene* s) const {
  if (wanted_.open && !wanted_.typing) return;  // the priority and days instead
  const Rect c = wanted_.open ? WantedRect() : ContentRect();
  const int gap = Px(6);
  const std::string prefix = wanted_.open ? "wanted." : "check.";
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
      if (wanted_.open) {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "SPACE", "wanted.space", TypingAllowed());
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "DEL", "wanted.del", TypingAllowed());
      } else {
        AddButton(s, {kx, ky, kw + kw / 2, key_h}, "DEL", "check.del", TypingAllowed());
        kx += kw + kw / 2 + gap;
        AddButton(s, {kx, ky, c.w - gap - kx, key_h}, "CLEAR", "check.clear", TypingAllowed());
      }
    }
    ky += key_h + gap;
  }
}

}  // namespace anpr::hmi
