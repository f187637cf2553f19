# nnport_add_backend(<name> SOURCES <files...> [LIBS <targets...>])
# Builds a backend plugin libnnport_backend_<name>.so: a MODULE library that
# needs only the plugin ABI headers, hidden visibility so it exports just its
# entry point. In nnport's own build it lands in the plugin folder and is
# installed there; a third party installs it wherever NNPORT_PLUGIN_PATH points.
function(nnport_add_backend name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target nnport_backend_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE nnport::plugin ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib" OUTPUT_NAME nnport_backend_${name}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED NNPORT_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${NNPORT_PLUGIN_OUTPUT_DIR}
      BUILD_RPATH "$ORIGIN/../.."
      INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS ${target} LIBRARY DESTINATION ${NNPORT_PLUGIN_SUBDIR})
  endif()
endfunction()

# nnport_add_test(<name> SOURCES <files...> [LIBS <targets...>])
# A GoogleTest executable registered with CTest.
function(nnport_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE GTest::gtest_main ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    NNPORT_SOURCE_DIR="${CMAKE_SOURCE_DIR}" NNPORT_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # NO_PRETTY_VALUES: a parameter without a name is "/<index>" in the test's
  # name, not its printed bytes (addresses: a new name in every build).
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES
    PROPERTIES ENVIRONMENT "NNPORT_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()
