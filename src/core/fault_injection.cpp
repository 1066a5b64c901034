#include "core/fault_injection.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace silico {

namespace {

struct FaultPlan {
  std::string point;
  long passage = 1;
  long seen = 0;
};

FaultPlan* plan() {
  static FaultPlan* instance = [] {
    const char* text = std::getenv("SILICO_FAULT_AT");
    if (text == nullptr || *text == '\0') return static_cast<FaultPlan*>(nullptr);
    auto* p = new FaultPlan;  // lives for the process: it ends by SIGKILL or normally
    const char* colon = std::strchr(text, ':');
    p->point = colon ? std::string(text, colon) : std::string(text);
    if (colon) p->passage = std::max(1L, std::strtol(colon + 1, nullptr, 10));
    return p;
  }();
  return instance;
}

}  // namespace

void fault_point(const char* point) {
  FaultPlan* p = plan();
  if (p == nullptr || p->point != point) return;
  if (++p->seen == p->passage) ::kill(::getpid(), SIGKILL);
}

}  // namespace silico
