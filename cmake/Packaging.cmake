# What `cmake --install` and `cpack` put where: two Debian packages.
#
#   anpr-unit   the in-car unit: anpr, anpr-vehicle, the character and line
#               models, the demo data, the systemd unit, the udev rule, the
#               configuration /etc/anpr/anpr-vehicle.toml (a conffile), the
#               system user `anpr` and /var/lib/anpr (made by postinst).
#   anpr-depot  the depot server: anpr-depot, its systemd unit, the settings
#               /etc/anpr-depot/anpr-depot.conf (a conffile), the system user
#               `anpr-depot` and /var/lib/anpr-depot.
#
# Build the programs, then package them from the same build tree:
#   cmake --build build/release -j2 --target anpr anpr-vehicle anpr-depot
#   (cd build/release && cpack)        # -> anpr-unit_*.deb, anpr-depot_*.deb
# Maintainer scripts, conffile lists and the depot's files are in hw/packaging.

set(ANPR_PKG_DIR ${PROJECT_SOURCE_DIR}/hw/packaging)
# cpack (and `make install`) take what is built: packaging never starts a
# build of every target, so a tree that built the three programs packages.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

# The unit.
install(TARGETS anpr anpr-vehicle RUNTIME DESTINATION bin COMPONENT unit)
install(FILES ${PROJECT_SOURCE_DIR}/vehicle/recognition/model/chars.yml.gz
              ${PROJECT_SOURCE_DIR}/vehicle/recognition/model/line_reader.onnx
              ${PROJECT_SOURCE_DIR}/vehicle/recognition/model/plate_classifier.onnx
        DESTINATION share/anpr COMPONENT unit)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/hw/demo/ DESTINATION share/anpr/demo COMPONENT unit)
install(FILES ${PROJECT_SOURCE_DIR}/hw/anpr-vehicle.service DESTINATION /lib/systemd/system COMPONENT unit)
install(FILES ${PROJECT_SOURCE_DIR}/hw/99-anpr-camera.rules DESTINATION /lib/udev/rules.d COMPONENT unit)
install(FILES ${PROJECT_SOURCE_DIR}/hw/anpr-vehicle.example.toml DESTINATION /etc/anpr
        RENAME anpr-vehicle.toml COMPONENT unit)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/hw/anpr-vehicle.example.toml
              ${ANPR_PKG_DIR}/copyright
        DESTINATION share/doc/anpr-unit COMPONENT unit)

# The depot.
install(TARGETS anpr-depot RUNTIME DESTINATION bin COMPONENT depot)
install(FILES ${PROJECT_SOURCE_DIR}/hw/anpr-depot.service DESTINATION /lib/systemd/system COMPONENT depot)
install(FILES ${ANPR_PKG_DIR}/anpr-depot.conf DESTINATION /etc/anpr-depot COMPONENT depot)
install(FILES ${ANPR_PKG_DIR}/copyright DESTINATION share/doc/anpr-depot COMPONENT depot)

# Debian wants a compressed changelog in every package's doc folder; made
# at configure time (again when the changelog changes), so no target must
# be built for it.
set(_changelog ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/packaging)
execute_process(COMMAND gzip -9n -c ${ANPR_PKG_DIR}/changelog OUTPUT_FILE ${_changelog}
                COMMAND_ERROR_IS_FATAL ANY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ANPR_PKG_DIR}/changelog)
install(FILES ${_changelog} DESTINATION share/doc/anpr-unit COMPONENT unit)
install(FILES ${_changelog} DESTINATION share/doc/anpr-depot COMPONENT depot)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME anpr)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ANPR project <anpr@police.example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_COMPONENTS_ALL unit depot)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library packages from the binaries themselves (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

set(CPACK_DEBIAN_UNIT_PACKAGE_NAME anpr-unit)
# Runtime files the programs open by path, beside the libraries shlibdeps finds.
set(CPACK_DEBIAN_UNIT_PACKAGE_DEPENDS "adduser, tesseract-ocr-eng, fonts-dejavu-core")
set(CPACK_DEBIAN_UNIT_PACKAGE_RECOMMENDS "gpsd, espeak-ng, v4l-utils")
set(CPACK_DEBIAN_UNIT_PACKAGE_SUGGESTS "gpsd-clients")
# The synopsis, then the extended description (cpack indents its lines).
set(CPACK_DEBIAN_UNIT_DESCRIPTION "number plate recognition unit for police patrol cars
anpr-vehicle reads number plates from a V4L2 camera, tags each read with
time and GPS position (gpsd), stores it as evidence in SQLite, checks it
against hotlists, alerts the officer on a touchscreen and syncs with the
station depot. anpr is its command-line tool. Runs as the systemd service
anpr-vehicle (user anpr, data in /var/lib/anpr, settings in
/etc/anpr/anpr-vehicle.toml).")
set(CPACK_DEBIAN_UNIT_PACKAGE_CONTROL_EXTRA
  ${ANPR_PKG_DIR}/unit/conffiles ${ANPR_PKG_DIR}/unit/postinst ${ANPR_PKG_DIR}/unit/prerm
  ${ANPR_PKG_DIR}/unit/postrm)

set(CPACK_DEBIAN_DEPOT_PACKAGE_NAME anpr-depot)
set(CPACK_DEBIAN_DEPOT_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DEPOT_PACKAGE_SUGGESTS "postgresql, openssl")
set(CPACK_DEBIAN_DEPOT_DESCRIPTION "depot server for patrol-car number plate recognition units
anpr-depot receives reads, hits and audit entries from the cars over HTTPS,
publishes hotlists to them and answers audited searches, storing into
SQLite or PostgreSQL. Runs as the systemd service anpr-depot (user
anpr-depot, data in /var/lib/anpr-depot, settings in
/etc/anpr-depot/anpr-depot.conf).")
set(CPACK_DEBIAN_DEPOT_PACKAGE_CONTROL_EXTRA
  ${ANPR_PKG_DIR}/depot/conffiles ${ANPR_PKG_DIR}/depot/postinst ${ANPR_PKG_DIR}/depot/prerm
  ${ANPR_PKG_DIR}/depot/postrm)

include(CPack)
