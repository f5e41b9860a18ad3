"""The bundled sample plans and the generated year of helpdesk data that `goalline demo` uses."""
