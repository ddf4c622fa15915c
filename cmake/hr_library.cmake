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

# hr_fuzz_target(NAME http_request DEPS hr::net hr::wire)
#   builds libFuzzer target fuzz_<NAME> from fuzz/fuzz_<NAME>.cc (only with HR_FUZZ=ON) and
#   registers ctest fuzz_corpus_<NAME>, which runs it once over every input of
#   fuzz/corpus/<NAME>/ (the seeds and every crash found so far stay fixed).
function(hr_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME" "DEPS" ${ARGN})
  add_executable(fuzz_${ARG_NAME} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_${ARG_NAME}.cc)
  target_include_directories(fuzz_${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/fuzz)
  target_link_libraries(fuzz_${ARG_NAME} PRIVATE ${ARG_DEPS})
  target_link_options(fuzz_${ARG_NAME} PRIVATE -fsanitize=fuzzer)
  add_test(NAME fuzz_corpus_${ARG_NAME}
           COMMAND fuzz_${ARG_NAME} -runs=0 ${PROJECT_SOURCE_DIR}/fuzz/corpus/${ARG_NAME})
endfunction()
