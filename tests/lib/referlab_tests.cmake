# Helpers every test area uses.

# The CUnit runner shared by all unit-test binaries (tests/lib/unit.c).
add_library(referlab_unit STATIC ${CMAKE_CURRENT_LIST_DIR}/unit.c)
target_include_directories(referlab_unit PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(referlab_unit PUBLIC PkgConfig::CUNIT)

# referlab_unit_test(NAME SOURCES... [LIBS lib...])
# A CUnit binary registered with ctest under "unit/NAME".
function(referlab_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(test_${name} ${ARG_SOURCES})
  set_target_properties(test_${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/bin)
  target_link_libraries(test_${name} PRIVATE referlab_unit ${ARG_LIBS})
  add_test(NAME unit/${name} COMMAND test_${name}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
endfunction()

# referlab_integration_test(NAME SCRIPT [TIMEOUT s] [LABELS l...])
# A bash script run against the built binaries. Exit 77 means "skipped"
# (for example: no capture rights), and the script says why.
function(referlab_integration_test name script)
  cmake_parse_arguments(ARG "" "TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_test(NAME integration/${name}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${script})
  set_tests_properties(integration/${name} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "integration;${ARG_LABELS}"
    ENVIRONMENT "REFERLAB_BIN=${CMAKE_BINARY_DIR}/bin;REFERLAB_SRC=${CMAKE_SOURCE_DIR};REFERLAB_TESTLIB=${CMAKE_SOURCE_DIR}/tests/lib/testlib.sh;REFERLAB_TMP=${CMAKE_BINARY_DIR}/tests/tmp")
endfunction()
