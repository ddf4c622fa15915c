#pragma once
// ModelEvent and EventSink: what the model tells the rest of headroom about what happened.
//
// The model never names a CloudWatch metric. It reports facts (an invocation was admitted
// warm, an environment was reclaimed, a reserved-concurrency setting changed) and the
// telemetry layer turns them into AWS/Lambda metrics; the server turns provisioning
// requests into real environments. Events are emitted synchronously, in order, from inside
// the command that caused them, on the thread that runs the command.

#include <cstdint>

#include "base/time.h"
#include "base/throttle_reason.h"

namespace hr::core {

using EnvironmentId = std::uint64_t;
inline constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

// How an admitted invocation starts.
enum class StartKind : std::uint8_t {
  kProvisioned,  // on an initialised provisioned environment
  kWarm,         // reusing an idle on-demand environment
  kCold,         // creating a new on-demand environment (Init counts toward concurrency)
};

enum class EventKind : std::uint8_t {
  kAdmitted,
  kFinished,
  kThrottled,
  kEnvironmentCreated,
  kEnvironmentReclaimed,
  kConfigChanged,
};

enum class ConfigChange : std::uint8_t {
  kNone,
  kFunctionCreated,
  kFunctionDeleted,
  kFunctionCodeChanged,
  kVersionPublished,
  kVersionDeleted,
  kAliasChanged,
  kReservedConcurrency,
  // A provisioned-concurrency config was put or moved: its environments were created
  // (kEnvironmentCreated events precede this one) and must be initialised by the driver,
  // which then calls Account::CompleteProvisioning.
  kProvisioningStarted,
  kProvisionedConcurrency,  // a config became READY/FAILED or was deleted
  kAccountLimit,
};

struct ModelEvent {
  EventKind kind = EventKind::kAdmitted;
  Timestamp at;
  std::uint32_t account = 0;            // the engine's account index
  std::uint32_t function = kNoSlot;     // function slot
  std::uint32_t version = 0;            // version number, 0 = $LATEST
  std::uint32_t provisioned = kNoSlot;  // provisioned-config slot, when one is involved
  EnvironmentId environment = 0;
  StartKind start = StartKind::kCold;   // kAdmitted
  bool spillover = false;               // kAdmitted: PC was READY but fully busy
  bool provisioned_environment = false; // kEnvironmentCreated/Reclaimed, kFinished
  ThrottleReason reason = ThrottleReason::kNone;  // kThrottled
  ConfigChange change = ConfigChange::kNone;      // kConfigChanged
  Duration elapsed;                     // kFinished: from admission to release
};

// Receives model events. Implementations must not call back into the model.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const ModelEvent& event) = 0;
};

}  // namespace hr::core
