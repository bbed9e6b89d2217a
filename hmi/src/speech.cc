#include "hmi/speech.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "hmi/src/model_internal.h"

extern char** environ;

namespace anpr::hmi {

namespace {

const char* const kNato[26] = {"Alpha",  "Bravo",   "Charlie", "Delta",  "Echo",  "Foxtrot", "Golf",
                               "Hotel",  "India",   "Juliett", "Kilo",   "Lima",  "Mike",    "November",
                               "Oscar",  "Papa",    "Quebec",  "Romeo",  "Sierra", "Tango",  "Uniform",
                               "Victor", "Whiskey", "X-ray",   "Yankee", "Zulu"};
const char* const kDigits[10] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint32_t Le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

// A mono S16 WAV as espeak-ng writes it to a pipe (the sizes in its header
// are placeholders: the data runs to the end of the stream), resampled to
// kSampleRateHz by linear interpolation.
bool DecodeWav(const std::vector<uint8_t>& wav, std::vector<int16_t>* out, std::string* error) {
  if (wav.size() < 12 || std::memcmp(wav.data(), "RIFF", 4) != 0 || std::memcmp(wav.data() + 8, "WAVE", 4) != 0) {
    *error = "not a WAV";
    return false;
  }
  size_t at = 12;
  int rate = 0;
  while (at + 8 <= wav.size()) {
    const uint8_t* chunk = wav.data() + at;
    const uint32_t size = Le32(chunk + 4);
    if (std::memcmp(chunk, "fmt ", 4) == 0 && at + 8 + 16 <= wav.size()) {
      const uint16_t format = Le16(chunk + 8), channels = Le16(chunk + 10), bits = Le16(chunk + 22);
      rate = static_cast<int>(Le32(chunk + 12));
      if (format != 1 || channels != 1 || bits != 16 || rate <= 0) {
        *error = "WAV not mono 16-bit PCM";
        return false;
      }
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (rate == 0) break;
      const size_t n = (wav.size() - at - 8) / 2;
      const uint8_t* d = chunk + 8;
      const size_t out_n = static_cast<size_t>(double(n) * kSampleRateHz / rate);
      out->resize(out_n);
      for (size_t i = 0; i < out_n; ++i) {
        const double src = double(i) * rate / kSampleRateHz;
        const size_t k = static_cast<size_t>(src);
        const double f = src - double(k);
        const double a = static_cast<int16_t>(Le16(d + 2 * k));
        const double b = k + 1 < n ? static_cast<int16_t>(Le16(d + 2 * (k + 1))) : a;
        (*out)[i] = static_cast<int16_t>(a + (b - a) * f);
      }
      if (out->empty()) *error = "no samples";
      return !out->empty();
    }
    at += 8 + size;
  }
  *error = "WAV without format or data";
  return false;
}

}  // namespace

std::string PhoneticVrm(std::string_view vrm) {
  std::string plate;
  for (char c : vrm) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) plate += static_cast<char>(std::toupper(u));
  }
  std::string out;
  bool pause = false;
  for (char c : internal::Spaced(plate)) {
    if (c == ' ') {
      pause = true;
      continue;
    }
    if (!out.empty()) out += pause ? ", " : " ";
    pause = false;
    out += std::isdigit(static_cast<unsigned char>(c)) ? kDigits[c - '0'] : kNato[c - 'A'];
  }
  return out;
}

std::string SpokenHitText(Priority priority, std::string_view vrm) {
  const char* p = priority == Priority::kHigh ? "High" : priority == Priority::kMedium ? "Medium" : "Low";
  return std::string(p) + " priority. " + PhoneticVrm(vrm) + ".";
}

bool SynthesiseSpeech(const std::string& program, const std::string& text, int timeout_ms,
                      std::vector<int16_t>* samples, std::string* error) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // British English, a little slower than the default so a phonetic word
  // is not lost under road noise. The text is one argument: no shell.
  std::vector<std::string> args = {program, "-v", "en-gb", "-s", "150", "--stdout", text};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    *error = program + ": " + std::strerror(rc);
    return false;
  }
  std::vector<uint8_t> wav;
  const int64_t deadline_ns = NowNs() + int64_t(timeout_ms) * 1000000;
  bool timed_out = false;
  for (;;) {
    const int64_t left_ms = (deadline_ns - NowNs()) / 1000000;
    if (left_ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out_pipe[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    uint8_t buf[16384];
    const ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    wav.insert(wav.end(), buf, buf + n);
  }
  close(out_pipe[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    *error = program + ": no answer in " + std::to_string(timeout_ms) + " ms";
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // posix_spawnp reports a missing program as exit status 127 from the child.
    *error = program + (WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not found"
                                                                         : ": failed (status " +
                                                                               std::to_string(status) + ")");
    return false;
  }
  std::string why;
  if (!DecodeWav(wav, samples, &why)) {
    *error = program + ": " + why;
    return false;
  }
  return true;
}

Speaker::Speaker(AlertPlayer* player, std::string program)
    : player_(player), program_(std::move(program)), thread_([this] { Run(); }) {}

Speaker::~Speaker() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.NotifyAll();
  thread_.join();
}

void Speaker::Say(Sound after, std::string text) {
  {
    MutexLock lock(&mu_);
    queue_.push_back({after, std::move(text), NowNs(), silenced_[static_cast<int>(after)]});
  }
  wake_.NotifyAll();
}

void Speaker::Silence(Sound after) {
  {
    MutexLock lock(&mu_);
    ++silenced_[static_cast<int>(after)];
    std::erase_if(queue_, [after](const Request& r) { return r.after == after; });
  }
  // A phrase being synthesised now is dropped when it is ready (Run).
  player_->DropSpeech(after);
}

bool Speaker::failed() const {
  MutexLock lock(&mu_);
  return failed_;
}

std::string Speaker::error() const {
  MutexLock lock(&mu_);
  return error_;
}

int64_t Speaker::spoken() const {
  MutexLock lock(&mu_);
  return spoken_;
}

int64_t Speaker::last_latency_ms() const {
  MutexLock lock(&mu_);
  return last_latency_ms_;
}

void Speaker::Run() {
  // Long enough for a slow first start from a cold disk; short enough that a
  // hung synthesiser does not hold back the next hit for long.
  constexpr int kTimeoutMs = 3000;
  MutexLock lock(&mu_);
  for (;;) {
    wake_.Wait(&mu_, [this]() ANPR_REQUIRES(mu_) { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Request r = std::move(queue_.front());
    queue_.pop_front();
    lock.Unlock();
    std::vector<int16_t> samples;
    std::string error;
    const bool ok = SynthesiseSpeech(program_, r.text, kTimeoutMs, &samples, &error);
    const int64_t latency_ms = (NowNs() - r.asked_at_ns) / 1000000;
    lock.Lock();
    // Queued under the lock, so a Silence either comes before (and the phrase
    // is dropped here) or after (and DropSpeech takes it off the player).
    // A phrase acknowledged while it was being synthesised is not spoken.
    const bool silenced = r.silenced != silenced_[static_cast<int>(r.after)];
    if (ok) {
      if (silenced) continue;
      player_->QueueSpeech(r.after, std::move(samples));
      ++spoken_;
      last_latency_ms_ = latency_ms;
    } else {
      if (!failed_) spdlog::error("speech: {}; hits are not spoken (the tones still sound)", error);
      failed_ = true;
      error_ = error;
    }
  }
}

}  // namespace anpr::hmi
