# The one way a headroom module is declared.
#
#   hr_cc_library(NAME core SRCS a.cc b.cc DEPS hr::base)
#     builds static library hr_core (alias hr::core); includes are rooted at src/.
#   hr_cc_test(NAME core SRCS a_test.cc DEPS hr::core)
#     builds test binary core_test from the unit tests that sit beside the code and
#     registers it with ctest.
#   hr_cc_binary(NAME headroom SRCS main.cc DEPS ...)
#
# Sources are listed explicitly, never globbed.

function(hr_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(hr_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(hr::${ARG_NAME} ALIAS hr_${ARG_NAME})
  target_include_directories(hr_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(hr_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

function(hr_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME}_test ${ARG_SRCS})
  target_include_directories(${ARG_NAME}_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_NAME}_test PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME}_test)
endfunction()

function(hr_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
endfunction()
