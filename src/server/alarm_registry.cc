#include "server/alarm_registry.h"

namespace hr::server {

void Alarm::AddHistory(AlarmHistoryItem item) {
  constexpr std::size_t kMaxHistory = 1000;
  history.push_back(std::move(item));
  while (history.size() > kMaxHistory) history.pop_front();
}

}  // namespace hr::server
