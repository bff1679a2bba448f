# Test registration. Every <component>/tests/test_<unit>.c is one CUnit suite and one CTest test,
# so adding a suite needs no edit here (STYLE.md "Tests").
#
# bt_add_unit_tests(PREFIX name LIBS lib... [DIR dir])
#   Builds each test_*.c under DIR (default: ./tests) against btsdk_test and LIBS.
#   A suite that exits 77 is reported by CTest as skipped (fixtures absent).
function(bt_add_unit_tests)
  cmake_parse_arguments(A "" "PREFIX;DIR" "LIBS;LABELS" ${ARGN})
  if(NOT A_DIR)
    set(A_DIR "${CMAKE_CURRENT_SOURCE_DIR}/tests")
  endif()
  file(GLOB _tests CONFIGURE_DEPENDS "${A_DIR}/test_*.c")
  foreach(_src IN LISTS _tests)
    get_filename_component(_name "${_src}" NAME_WE)
    set(_tgt "${A_PREFIX}_${_name}")
    add_executable(${_tgt} "${_src}")
    target_link_libraries(${_tgt} PRIVATE btsdk_test ${A_LIBS})
    add_test(NAME "${A_PREFIX}/${_name}" COMMAND ${_tgt})
    set_tests_properties("${A_PREFIX}/${_name}" PROPERTIES
      SKIP_RETURN_CODE 77
      LABELS "${A_PREFIX};${A_LABELS}"
      ENVIRONMENT "BT_FIXTURES=${BT_FIXTURES_DIR};BT_BUILD_DIR=${CMAKE_BINARY_DIR};BT_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endforeach()
endfunction()

# bt_add_subdirs(): add every direct subdirectory that has a CMakeLists.txt, so new plugins,
# broken plugins and benches need no edit of their parent.
function(bt_add_subdirs)
  file(GLOB _children LIST_DIRECTORIES true CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*")
  list(SORT _children)
  foreach(_c IN LISTS _children)
    if(IS_DIRECTORY "${_c}" AND EXISTS "${_c}/CMakeLists.txt")
      add_subdirectory("${_c}")
    endif()
  endforeach()
endfunction()
