/* stand-in app: not SEI */
