#include "wire/service_model.h"

#include <algorithm>

namespace hr::wire {

const Operation* ServiceModel::FindOperation(std::string_view name) const {
  auto it = std::lower_bound(operations.begin(), operations.end(), name,
                             [](const Operation& op, std::string_view n) { return op.name < n; });
  return it != operations.end() && it->name == name ? &*it : nullptr;
}

const ErrorShape* ServiceModel::FindError(std::string_view name) const {
  auto it = std::lower_bound(errors.begin(), errors.end(), name,
                             [](const ErrorShape& e, std::string_view n) { return e.name < n; });
  return it != errors.end() && it->name == name ? &*it : nullptr;
}

}  // namespace hr::wire
