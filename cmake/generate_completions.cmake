# Writes the shell completion scripts with the aps just built (`aps --generate SHELL`): they come
# from the same command-line definitions as --help (src/cli/command_spec.hpp).
#   cmake -DAPS=path/to/aps -DOUT=dir -P generate_completions.cmake
foreach(pair "bash;aps" "zsh;_aps" "fish;aps.fish")
  list(GET pair 0 shell)
  list(GET pair 1 file)
  execute_process(COMMAND ${APS} --generate ${shell} OUTPUT_FILE ${OUT}/${file}
                  RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${APS} --generate ${shell} failed: ${failed}")
  endif()
endforeach()
