"""Knowledge about wire copy that the normalize stage uses: datelines, dates, boilerplate."""
